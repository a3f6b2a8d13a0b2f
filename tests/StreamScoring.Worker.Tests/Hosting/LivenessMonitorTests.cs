using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.Worker.Tests.Hosting;

/// <summary>What /healthz calls wedged: samples taken at each probe, judged against <see cref="LivenessOptions.StallTimeout"/>.</summary>
public sealed class LivenessMonitorTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5); // the longest of the two dependencies
    private readonly FakeTimeProvider _time = new();
    private readonly LivenessMonitor _sut;
    private long _polls;

    public LivenessMonitorTests() => _sut = new LivenessMonitor(
        Options.Create(new LivenessOptions { StallTimeout = Limit }),
        Options.Create(new ResilienceOptions { Redis = new DependencyOptions { MaxRetryDelay = RetryDelay }, KafkaProducer = new DependencyOptions { MaxRetryDelay = TimeSpan.FromSeconds(1) } }),
        _time);

    [Fact]
    public void Check_LoopsPollingAndPipelineProgressing_IsLive()
    {
        for (var probe = 0; probe < 20; probe++)
        {
            Assert.Null(_sut.Check(Sample(polls: 100 * probe, progress: 10 * probe, waiting: "5 events at or before the feature store")));
            _time.Advance(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void Check_RunningLoopStopsPolling_IsWedgedOnlyPastTheLimit()
    {
        Assert.Null(_sut.Check(Sample(polls: 7)));
        _time.Advance(Limit);
        Assert.Null(_sut.Check(Sample(polls: 7)));
        _time.Advance(TimeSpan.FromSeconds(1));

        var problem = _sut.Check(Sample(polls: 7));

        Assert.Equal("consumer loop 0 has not polled for 61 s", problem);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(_sut.Check(Sample(polls: 8))); // it turned again
    }

    [Fact]
    public void Check_LoopNotRunning_IsNotWedged()
    {
        _sut.Check(Sample(polls: 7, running: false));
        _time.Advance(Limit * 3);

        Assert.Null(_sut.Check(Sample(polls: 7, running: false)));
    }

    [Fact]
    public void Check_WorkWaitsAndNoStageProgresses_IsWedged()
    {
        const string Waiting = "120 events before the feature store";
        Assert.Null(_sut.Check(Sample(progress: 500, waiting: Waiting)));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(_sut.Check(Sample(progress: 500, waiting: Waiting)));
        _time.Advance(TimeSpan.FromSeconds(31));
        // Past the stall limit, but a retry of a dependency may still be due: the limit plus the longest retry delay.
        Assert.Null(_sut.Check(Sample(progress: 500, waiting: Waiting)));
        _time.Advance(TimeSpan.FromSeconds(5));

        var problem = _sut.Check(Sample(progress: 500, waiting: Waiting));

        Assert.Equal("pipeline stuck: no progress for 66 s with 120 events before the feature store waiting, and no dependency failing", problem);
    }

    [Fact]
    public void Check_DependencyFailuresFurtherApartThanTheLimitButWithinItsRetryDelay_IsNotWedged()
    {
        // A call that times out at the limit, then the longest back-off: failures come limit + delay apart at most.
        const string Waiting = "100 events at or before the feature store";
        var gap = Limit + RetryDelay - TimeSpan.FromSeconds(1);
        var failures = 0;
        Assert.Null(_sut.Check(Sample(progress: 500, failures: failures, waiting: Waiting)));
        for (var step = TimeSpan.Zero; step < gap * 4; step += TimeSpan.FromSeconds(1))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if ((step + TimeSpan.FromSeconds(1)).Ticks % gap.Ticks == 0)
            {
                failures++;
            }

            Assert.Null(_sut.Check(Sample(progress: 500, failures: failures, waiting: Waiting)));
        }

        // The failures stop, nothing moves: wedged once the limit plus the retry delay has passed with no failure.
        _time.Advance(Limit + RetryDelay + TimeSpan.FromSeconds(1));
        Assert.NotNull(_sut.Check(Sample(progress: 500, failures: failures, waiting: Waiting)));
    }

    [Fact]
    public void Check_NoProgressWhileADependencyKeepsFailing_IsNotWedged()
    {
        // Redis down: the feature stage waits it out, its retries fail and are counted. A restart would not help.
        for (var probe = 0; probe < 20; probe++)
        {
            Assert.Null(_sut.Check(Sample(progress: 500, failures: 3 * probe, waiting: "16384 events before the feature store")));
            _time.Advance(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void Check_NothingWaitingAndNoProgress_IsIdleNotWedged()
    {
        _sut.Check(Sample(progress: 500));
        _time.Advance(Limit * 3);

        Assert.Null(_sut.Check(Sample(progress: 500)));
    }

    // By default the loop polls (its count moves at every probe), so each test looks at one thing.
    private LivenessSample Sample(long? polls = null, bool running = true, long progress = 0, long failures = 0, string waiting = "") =>
        new([new LoopSample(polls ?? ++_polls, running)], progress, failures, waiting);
}
