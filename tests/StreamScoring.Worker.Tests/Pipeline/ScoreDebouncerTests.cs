using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Tests.TestSupport;

namespace StreamScoring.Worker.Tests.Pipeline;

public class ScoreDebouncerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 21, 0, 0, TimeSpan.Zero));
    private readonly OptionsMonitorStub<ScoringOptions> _options = new(new ScoringOptions { DebounceInterval = Interval });

    private ScoreDebouncer CreateSut() => new(_options, _time);

    [Fact]
    public void Decide_FirstEvent_ScoresNow()
    {
        var sut = CreateSut();

        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", EventType.View, false));
    }

    [Fact]
    public void Decide_SecondEventWithinInterval_Defers_AndAfterIntervalScoresNow()
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(ScoreDecision.Defer, sut.Decide("u1", EventType.Cart, false));
        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u2", EventType.View, false)); // per user

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", EventType.View, false));
    }

    [Theory]
    [InlineData(EventType.Purchase, false)]
    [InlineData(EventType.PaymentFailed, false)]
    [InlineData(EventType.CheckoutStart, false)]
    [InlineData(EventType.Login, true)]
    public void Decide_HighSignalEventWithinInterval_ScoresNow(EventType type, bool newDevice)
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);
        _time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", type, newDevice));
    }

    [Fact]
    public void Decide_LoginFromAKnownDeviceWithinInterval_Defers()
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);

        Assert.Equal(ScoreDecision.Defer, sut.Decide("u1", EventType.Login, false));
    }

    [Fact]
    public void CollectDue_DeferredUser_IsDueOnceTheIntervalPasses_ThenRateLimitedAgain()
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        sut.Decide("u1", EventType.View, false);
        sut.Decide("u1", EventType.Cart, false);

        _time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Empty(sut.DueUsers(_time.GetUtcNow()));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["u1"], sut.DueUsers(_time.GetUtcNow()));
        Assert.Empty(sut.DueUsers(_time.GetUtcNow())); // returned once

        // The due score counts as a score: the next ordinary event within the interval is deferred again.
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(ScoreDecision.Defer, sut.Decide("u1", EventType.View, false));
        _time.Advance(Interval);
        Assert.Equal(["u1"], sut.DueUsers(_time.GetUtcNow()));
    }

    [Fact]
    public void CollectDue_DeferredUserScoredByAHighSignalEvent_IsNotDueAnyMore()
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);
        sut.Decide("u1", EventType.View, false);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", EventType.Purchase, false));

        _time.Advance(Interval);
        Assert.Empty(sut.DueUsers(_time.GetUtcNow()));
    }

    [Fact]
    public void CollectDue_IdleUsers_AreForgotten()
    {
        var sut = CreateSut();
        for (var i = 0; i < 100; i++)
        {
            sut.Decide($"u{i}", EventType.View, false);
        }

        sut.Decide("u0", EventType.View, false);
        Assert.Equal(100, sut.TrackedUsers);
        Assert.Equal(1, sut.DeferredUsers);

        _time.Advance(Interval);
        var due = new List<string>();
        Assert.Equal(1, sut.CollectDue(due));
        Assert.Equal(1, sut.TrackedUsers); // u0 was just scored; the 99 idle users are gone

        _time.Advance(Interval);
        sut.CollectDue(due);
        Assert.Equal(0, sut.TrackedUsers);
    }

    [Fact]
    public void Decide_IntervalChangedAtRunTime_AppliesToTheNextDecision()
    {
        var sut = CreateSut();
        sut.Decide("u1", EventType.View, false);
        Assert.Equal(ScoreDecision.Defer, sut.Decide("u1", EventType.View, false));

        _options.CurrentValue = new ScoringOptions { DebounceInterval = TimeSpan.Zero };

        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", EventType.View, false));
        Assert.Equal(ScoreDecision.ScoreNow, sut.Decide("u1", EventType.View, false));
    }
}
