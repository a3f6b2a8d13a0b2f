using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using StreamScoring.Embedded;

namespace StreamScoring.Deploy.Tests.Support;

/// <summary>
/// The receiver of the Alertmanager's webhook notifications: an <see cref="HttpListener"/> on a free loopback port
/// that keeps every alert of every notification (status, labels, annotations) in arrival order.
/// </summary>
internal sealed class AlertWebhook : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedAlert> _alerts = new();
    private readonly Task _loop;

    public AlertWebhook()
    {
        // HttpListener needs the port in its prefix: probe a free one, then bind it (retried if taken meanwhile).
        for (var attempt = 0; ; attempt++)
        {
            var port = LoopbackPort.Free();
            Url = new Uri($"http://127.0.0.1:{port}/alerts/");
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(Url.AbsoluteUri);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
            }
        }

        _loop = Task.Run(ReceiveAsync);
    }

    /// <summary>The URL to configure as the Alertmanager's webhook.</summary>
    public Uri Url { get; private set; }

    /// <summary>Every alert received so far.</summary>
    public IReadOnlyList<ReceivedAlert> Alerts => [.. _alerts];

    /// <summary>Waits until an alert matching <paramref name="match"/> arrives; null on timeout.</summary>
    public async Task<ReceivedAlert?> WaitForAsync(Func<ReceivedAlert, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_alerts.FirstOrDefault(match) is { } alert)
            {
                return alert;
            }

            await Task.Delay(200);
        }

        return null;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The loop ends with the listener's disposal.
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            try
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.InputStream);
                foreach (var alert in doc.RootElement.GetProperty("alerts").EnumerateArray())
                {
                    _alerts.Enqueue(new ReceivedAlert(
                        alert.GetProperty("status").GetString()!,
                        Strings(alert.GetProperty("labels")),
                        Strings(alert.GetProperty("annotations")),
                        DateTimeOffset.UtcNow));
                }

                context.Response.StatusCode = 200;
            }
            catch (JsonException)
            {
                context.Response.StatusCode = 400;
            }
            finally
            {
                context.Response.Close();
            }
        }
    }

    private static Dictionary<string, string> Strings(JsonElement element) =>
        element.EnumerateObject().ToDictionary(static p => p.Name, static p => p.Value.GetString() ?? "", StringComparer.Ordinal);
}
