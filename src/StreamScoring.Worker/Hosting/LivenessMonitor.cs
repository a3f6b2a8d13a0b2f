using System.Globalization;
using Microsoft.Extensions.Options;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.Worker.Hosting;

/// <summary>One consumer loop at a liveness check: its poll count and whether it runs.</summary>
internal readonly record struct LoopSample(long Polls, bool IsRunning);

/// <summary>What a liveness check reads: per loop, the pipeline's progress count, the dependencies' failure count and the work waiting (empty: none).</summary>
internal sealed record LivenessSample(IReadOnlyList<LoopSample> Loops, long Progress, long DependencyFailures, string WaitingWork);

/// <summary>
/// Decides from successive <see cref="LivenessSample"/>s whether the worker is wedged: a running consumer loop whose
/// poll count has not moved for <see cref="LivenessOptions.StallTimeout"/>, or a pipeline with work waiting whose
/// progress count has not moved for that long while no dependency failed either (a dependency being waited out is
/// readiness's business; a restart would not cure it). A dependency being waited out fails once per attempt, and
/// attempts are apart by up to one call's timeout plus the longest retry delay, so the pipeline counts as stuck only
/// when no failure came for the stall limit plus the longest <see cref="DependencyOptions.MaxRetryDelay"/>: a call
/// bounded by a timeout within the stall limit always fails inside that. Samples are taken at each check, so the
/// probe period is the resolution. Thread-safe; one instance keeps the samples (a singleton).
/// </summary>
internal sealed class LivenessMonitor(IOptions<LivenessOptions> options, IOptions<ResilienceOptions> resilience, TimeProvider time)
{
    private readonly Lock _lock = new();
    private long[] _polls = [];
    private long[] _pollsChanged = [];
    private long _progress = -1;
    private long _failures = -1;
    private long _progressChanged;
    private long _failuresChanged;

    /// <summary>Null when live; otherwise what is stuck and for how long, in fixed words.</summary>
    public string? Check(LivenessSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var limit = options.Value.StallTimeout;
            if (_polls.Length != sample.Loops.Count)
            {
                _polls = [.. sample.Loops.Select(static l => l.Polls)];
                _pollsChanged = [.. sample.Loops.Select(_ => now)];
            }

            for (var i = 0; i < sample.Loops.Count; i++)
            {
                var loop = sample.Loops[i];
                if (loop.Polls != _polls[i] || !loop.IsRunning)
                {
                    (_polls[i], _pollsChanged[i]) = (loop.Polls, now);
                }
                else if (time.GetElapsedTime(_pollsChanged[i], now) is var stalled && stalled > limit)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"consumer loop {i} has not polled for {stalled.TotalSeconds:0} s");
                }
            }

            if (sample.Progress != _progress || sample.WaitingWork.Length == 0)
            {
                (_progress, _progressChanged) = (sample.Progress, now);
                (_failures, _failuresChanged) = (sample.DependencyFailures, now);
                return null;
            }

            if (sample.DependencyFailures != _failures)
            {
                (_failures, _failuresChanged) = (sample.DependencyFailures, now);
            }

            var stuck = time.GetElapsedTime(_progressChanged, now);
            var quiet = time.GetElapsedTime(_failuresChanged, now);
            return stuck > limit && quiet > limit + LongestRetryDelay()
                ? string.Create(CultureInfo.InvariantCulture,
                    $"pipeline stuck: no progress for {stuck.TotalSeconds:0} s with {sample.WaitingWork} waiting, and no dependency failing")
                : null;
        }
    }

    private TimeSpan LongestRetryDelay()
    {
        var value = resilience.Value;
        return value.Redis.MaxRetryDelay > value.KafkaProducer.MaxRetryDelay ? value.Redis.MaxRetryDelay : value.KafkaProducer.MaxRetryDelay;
    }
}
