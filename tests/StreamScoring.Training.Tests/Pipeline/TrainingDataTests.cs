using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Training.Data;

namespace StreamScoring.Training.Tests.Pipeline;

public class DatasetsTests
{
    private static ClickEvent Event(string user, string session, int minute, EventType type) => new()
    {
        EventId = $"{user}-{minute}-{type}",
        UserId = user,
        SessionId = session,
        TimestampMs = 1_569_888_000_000 + minute * 60_000L,
        Type = type,
        ProductId = "p",
        Price = 10,
    };

    [Fact]
    public void SessionConversion_PointsStopAtFirstPurchase_LabelIsSessionOutcome()
    {
        var stream = TrainingData.FromUnlabelled("t",
        [
            Event("a", "s1", 0, EventType.View),
            Event("a", "s1", 1, EventType.Cart),
            Event("a", "s1", 2, EventType.Purchase),
            Event("a", "s1", 3, EventType.View),
            Event("b", "s2", 0, EventType.View),
            Event("b", "s2", 5, EventType.View),
        ]);

        var (relabelled, points) = TrainingData.SessionConversion(stream);

        var scored = points.Select(i => (relabelled.Events[i].EventId, relabelled.Labels[i].Conversion)).ToList();
        Assert.Equal(4, scored.Count);
        Assert.Contains(("a-0-View", (bool?)true), scored);
        Assert.Contains(("a-1-Cart", (bool?)true), scored);
        Assert.Contains(("b-0-View", (bool?)false), scored);
        Assert.Contains(("b-5-View", (bool?)false), scored);
        Assert.All(points, i => Assert.Null(relabelled.Labels[i].Fraud));
    }

    [Fact]
    public void FromUnlabelled_ConversionFromFutureEvents_FraudAndChurnUnknown()
    {
        var stream = TrainingData.FromUnlabelled("t", [Event("a", "s1", 1, EventType.Purchase), Event("a", "s1", 0, EventType.View)]);

        Assert.Equal(EventType.View, stream.Events[0].Type); // sorted by time
        Assert.Equal(new SampleLabels(null, null, true), stream.Labels[0]);
        Assert.Equal(new SampleLabels(null, null, false), stream.Labels[1]);
    }

    [Fact]
    public void FeatureReplay_Sample_EqualsTheServingStateAfterThatEvent()
    {
        var events = Enumerable.Range(0, 10).Select(m => Event("a", "s1", m, m == 9 ? EventType.Purchase : EventType.View)).ToList();
        var stream = TrainingData.FromUnlabelled("t", events);

        var samples = FeatureReplay.Build(stream, [4]);

        var state = new UserWindowState();
        foreach (var e in events.Take(5))
        {
            state.Apply(e);
        }

        var batch = new FeatureBatch(1);
        batch.Write(0, state);
        Assert.Equal(1, samples.Count);
        Assert.Equal(batch.Tokens, samples.Tokens);
        Assert.Equal(batch.Aggregates, samples.Aggregates);
        Assert.Equal(batch.Mask, samples.Mask);
    }

    [Fact]
    public void SamplePerUser_CapsHeavyUsersDeterministically()
    {
        var events = Enumerable.Range(0, 50).Select(m => Event("bot", "s", m, EventType.View))
            .Append(Event("human", "h", 0, EventType.View)).ToList();
        var stream = TrainingData.FromUnlabelled("t", events);

        var first = FeatureReplay.SamplePerUser(stream, 10, seed: 1);
        var second = FeatureReplay.SamplePerUser(stream, 10, seed: 1);

        Assert.Equal(11, first.Count);
        Assert.Equal(first, second);
        Assert.Equal(first.Order(), first);
    }

    [Fact]
    public void IsHeldOutUser_IsStableAndAboutAFifth()
    {
        var users = Enumerable.Range(0, 10_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var share = users.Count(TrainingData.IsHeldOutUser) / (double)users.Count;
        Assert.InRange(share, 0.18, 0.22);
        Assert.Equal(users.Where(TrainingData.IsHeldOutUser), users.Where(TrainingData.IsHeldOutUser));
    }
}
