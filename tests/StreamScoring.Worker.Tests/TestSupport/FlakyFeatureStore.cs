using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Tests.TestSupport;

/// <summary>An in-memory feature store whose calls fail with <see cref="Failure"/> while it is set, as a Redis outage would.</summary>
internal sealed class FlakyFeatureStore(TimeProvider time) : IFeatureStore
{
    private readonly InMemoryFeatureStore _inner = new(time);
    private int _failures;

    /// <summary>Makes every call throw the exception this returns, until set back to null.</summary>
    public volatile Func<Exception>? Failure;

    /// <summary>Calls that failed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return _inner.ApplyAsync(events, applied, cancellationToken);
    }

    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, bool[] newDevice, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return _inner.ApplyAsync(events, applied, newDevice, cancellationToken);
    }

    public ValueTask ReadAsync(IReadOnlyList<string> userIds, FeatureBatch batch, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return _inner.ReadAsync(userIds, batch, cancellationToken);
    }

    private void ThrowIfDown()
    {
        if (Failure is { } failure)
        {
            Interlocked.Increment(ref _failures);
            throw failure();
        }
    }
}
