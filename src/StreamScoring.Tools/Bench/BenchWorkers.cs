using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Events;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// The workers the bench drives: <c>count</c> copies of the real service (<see cref="ServiceHost.Build"/>, as the demo
/// hosts it) in one consumer group, all in this process so one <c>MeterListener</c> sees every instrument. Several
/// copies test the capacity model's claim that costs add up per event, not that two copies on two cores run faster.
/// </summary>
internal sealed class BenchWorkers : IAsyncDisposable
{
    private readonly List<WebApplication> _hosts = [];

    public BenchWorkers(int count, IReadOnlyDictionary<string, string?> overrides, Action<ClickEvent, bool> eventApplied)
    {
        for (var i = 0; i < count; i++)
        {
            var host = ServiceHost.Build([], overrides, static logging => logging
                .AddSimpleConsole(o => o.SingleLine = true)
                .AddFilter(level => level >= LogLevel.Warning)
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
            host.Services.GetRequiredService<ScoringPipeline>().EventApplied += eventApplied;
            _hosts.Add(host);
        }
    }

    /// <summary>Users whose score is still owed, over every worker.</summary>
    public int PendingUsers => _hosts.Sum(static h => h.Services.GetRequiredService<ScoringPipeline>().PendingUsers);

    public Task StartAsync(CancellationToken cancellationToken) => Task.WhenAll(_hosts.Select(h => h.StartAsync(cancellationToken)));

    public Task StopAsync() => Task.WhenAll(_hosts.Select(static h => h.StopAsync(CancellationToken.None)));

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }
}
