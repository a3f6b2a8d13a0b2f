using System.Net.Http.Json;
using System.Text.Json;

namespace StreamScoring.Deploy.Tests.Support;

/// <summary>The few calls of Prometheus's HTTP API the tests make (<c>/api/v1/query</c>, <c>/api/v1/rules</c>).</summary>
internal sealed class PrometheusApi(Uri baseUrl) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Evaluates <paramref name="expression"/> as an instant query. Returns the number of series (or 1 for a scalar)
    /// and, when Prometheus refused it, its error (a parse error is <c>bad_data</c>: "parse error at char ...").
    /// </summary>
    public async Task<(int Series, string? Error)> QueryAsync(string expression, CancellationToken cancellationToken = default)
    {
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("query", expression)]);
        using var response = await _http.PostAsync(new Uri("api/v1/query", UriKind.Relative), content, cancellationToken);
        using var doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        var root = doc.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            return (0, $"{root.GetProperty("errorType").GetString()}: {root.GetProperty("error").GetString()}");
        }

        var data = root.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "vector" or "matrix" => (result.GetArrayLength(), null),
            _ => (1, null), // scalar or string
        };
    }

    /// <summary>Health and last error of every loaded rule, by rule name.</summary>
    public async Task<IReadOnlyList<(string Name, string Health, string? LastError)>> RulesAsync(CancellationToken cancellationToken = default)
    {
        using var doc = await _http.GetFromJsonAsync<JsonDocument>(new Uri("api/v1/rules", UriKind.Relative), cancellationToken)
            ?? throw new InvalidOperationException("empty answer from /api/v1/rules");
        return doc.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(static g => g.GetProperty("rules").EnumerateArray())
            .Select(static r => (r.GetProperty("name").GetString()!, r.GetProperty("health").GetString()!,
                r.TryGetProperty("lastError", out var e) && e.GetString() is { Length: > 0 } error ? error : null))
            .ToList();
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
