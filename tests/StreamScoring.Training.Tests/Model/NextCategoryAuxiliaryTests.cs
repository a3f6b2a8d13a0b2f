using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Training.Data;
using StreamScoring.Training.Model;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Model;

[Collection(TorchTests.Name)]
public sealed class NextCategoryAuxiliaryTests
{
    private const int Categories = 8;

    [Fact]
    public void AuxiliaryLoss_TeachesTheEmbeddingTheNextCategory()
    {
        var data = WithNextCategories(SyntheticData.Create(600, seed: 3, users: 150));

        var plain = ProbeHitRate(data, weight: 0);
        var auxiliary = ProbeHitRate(data, weight: 2);

        // A linear probe on the embedding finds the next category far better after the auxiliary loss.
        Assert.True(auxiliary >= plain + 0.1, $"probe HR@1 {auxiliary:F3} with the loss, {plain:F3} without");
    }

    [Fact]
    public void AuxiliaryLoss_WithoutTargets_TrainsExactlyAsWithout()
    {
        var data = SyntheticData.Create(200, seed: 4);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 9, Threads = 1 };

        var without = new Trainer(options).Train(data, new ScoringModelOptions { EmbeddingSize = 16 });
        var ignored = new Trainer(new TrainerOptions { Epochs = 1, BatchSize = 64, Seed = 9, Threads = 1, NextCategoryWeight = 1 }).Train(data, new ScoringModelOptions { EmbeddingSize = 16 });

        Assert.Equal(without.Epochs.Select(h => h.TrainLoss), ignored.Epochs.Select(h => h.TrainLoss));
        without.Model.Dispose();
        ignored.Model.Dispose();
    }

    [Fact]
    public void NextCategories_AreTheNextEventsBucketInTheSameVisit()
    {
        ClickEvent[] events =
        [
            Event("a", "s1", 1, "x.one"), Event("a", "s1", 2, "x.two"), Event("a", "s2", 3, "x.three"),
            Event("b", "s9", 4, "x.one"), Event("b", "s9", 5, null), Event("b", "s9", 6, "x.two"),
        ];
        var stream = TrainingData.FromUnlabelled("t", events);

        var next = FeatureReplay.NextCategories(stream);

        var byId = stream.Events.Select((e, i) => (e.EventId, Next: next[i])).ToDictionary(p => p.EventId, p => p.Next);
        Assert.Equal(TokenEncoder.CategoryId("x.two") - 2, byId["a1"]);
        Assert.Equal(-1, byId["a2"]); // the next event is another visit
        Assert.Equal(-1, byId["a3"]); // the user's last event
        Assert.Equal(-1, byId["b4"]); // the next event has no category
        Assert.Equal(TokenEncoder.CategoryId("x.two") - 2, byId["b5"]);
    }

    [Fact]
    public void TrainingSet_RefusesTargetsOfAnotherLength()
    {
        var data = SyntheticData.Create(10, seed: 1);

        Assert.Throws<ArgumentException>(() => new TrainingSet(data.Tokens, data.Mask, data.Aggregates, data.Labels, data.LabelMask, data.Groups) { NextCategory = new long[9] });
    }

    // Training the model, then a softmax probe (the next-category head on the embedding alone) on the same samples.
    private static double ProbeHitRate(TrainingSet data, double weight)
    {
        var options = new TrainerOptions { Epochs = 4, BatchSize = 64, Seed = 5, Threads = 1, ValidationFraction = 0, NextCategoryWeight = weight };
        var trained = new Trainer(options).Train(data, new ScoringModelOptions { EmbeddingSize = 16 });
        var (_, embeddings) = Trainer.Predict(trained.Model, data);
        trained.Model.Dispose();
        var rows = Enumerable.Range(0, data.Count).Where(i => data.NextCategory![i] >= 0).ToArray();
        var e = embeddings.Length / data.Count;
        var points = NextCategoryPoints.From(
            [.. rows.SelectMany(i => embeddings.AsSpan(i * e, e).ToArray())], e,
            [.. rows.Select(_ => 1)], [.. rows.Select(i => (int)data.NextCategory![i])],
            [.. rows.Select(i => "u" + i)], [.. rows.Select(i => "s" + i)], [.. rows.Select(_ => "t")]);
        var probe = new NextCategoryHead(useEmbedding: true, useTransition: false);
        probe.Fit(points);
        var scores = new double[FeatureSpec.CategoryBuckets];
        var hits = 0;
        for (var r = 0; r < points.Count; r++)
        {
            probe.Score(points, r, scores);
            hits += NextCategoryEvaluation.RankOf(scores, points.Target[r]) == 1 ? 1 : 0;
        }

        return hits / (double)points.Count;
    }

    // The latest event's category is one of a few; the next category is the one after it, so it is in the tokens.
    private static TrainingSet WithNextCategories(TrainingSet data)
    {
        var f = FeatureSpec.TokenFieldCount;
        var stride = FeatureSpec.SequenceLength * f;
        var offset = FeatureSpec.FieldOffsets[(int)TokenField.Category];
        var random = new Random(8);
        var next = new long[data.Count];
        for (var i = 0; i < data.Count; i++)
        {
            if (data.Mask[(i * FeatureSpec.SequenceLength) + 1] == 0)
            {
                next[i] = -1;
                continue;
            }

            var bucket = random.Next(Categories);
            data.Tokens[(i * stride) + f + (int)TokenField.Category] = offset + 2 + bucket;
            next[i] = (bucket + 1) % Categories;
        }

        return new TrainingSet(data.Tokens, data.Mask, data.Aggregates, data.Labels, data.LabelMask, data.Groups) { NextCategory = next };
    }

    private static ClickEvent Event(string user, string session, long time, string? category) => new()
    {
        EventId = user + time,
        UserId = user,
        SessionId = session,
        TimestampMs = time * 1000,
        Type = EventType.View,
        ProductId = "p" + time,
        CategoryPath = category,
    };
}
