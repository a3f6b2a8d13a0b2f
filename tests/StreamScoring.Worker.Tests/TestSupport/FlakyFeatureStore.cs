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

    /// <summary>While set and not completed, every apply waits for it (a Redis that stopped answering).</summary>
    public volatile TaskCompletionSource? Hang;

    private int _hanging;

    /// <summary>Applies waiting on <see cref="Hang"/> now.</summary>
    public int Hanging => Volatile.Read(ref _hanging);

    /// <summary>Calls that failed.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        return _inner.ApplyAsync(events, applied, cancellationToken);
    }

    public async ValueTask<int> ApplyAsync(IReadOnlyList<ClickEvent> events, bool[] applied, bool[] newDevice, CancellationToken cancellationToken = default)
    {
        ThrowIfDown();
        if (Hang is { } hang)
        {
            Interlocked.Increment(ref _hanging);
            try
            {
                await hang.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _hanging);
            }
        }

        return await _inner.ApplyAsync(events, applied, newDevice, cancellationToken);
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
