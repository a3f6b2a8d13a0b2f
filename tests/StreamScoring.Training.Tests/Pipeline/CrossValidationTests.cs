using StreamScoring.Core.Events;
using StreamScoring.Training.Data;
using StreamScoring.Training.Pipeline;

namespace StreamScoring.Training.Tests.Pipeline;

public sealed class CrossValidationTests
{
    // Users with one session each; every session views its own product (seen by no other user) and buys at random.
    private static LabelledEvents RandomPurchases(int users, int seed)
    {
        var random = new Random(seed);
        var events = new List<ClickEvent>();
        for (var u = 0; u < users; u++)
        {
            var start = 1_569_888_000_000 + (u * 1000L);
            var buys = random.NextDouble() < 0.3;
            for (var k = 0; k < 3 + random.Next(3); k++)
            {
                events.Add(Event(u, start + (k * 20_000L), EventType.View));
            }

            if (buys)
            {
                events.Add(Event(u, start + 200_000L, EventType.Purchase));
            }
        }

        return TrainingData.FromUnlabelled("random", events);
    }

    private static ClickEvent Event(int user, long ts, EventType type) => new()
    {
        EventId = $"u{user}-{ts}-{type}",
        UserId = $"u{user}",
        SessionId = $"s{user}",
        TimestampMs = ts,
        Type = type,
        ProductId = $"p{user}",
        CategoryPath = "c" + (user % 3),
        Brand = "b" + (user % 4),
        Price = 10 + (user % 7),
    };

    [Fact]
    public void Run_LabelsIndependentOfFeatures_ContextBaselinesDoNotLeakTheirOwnLabels()
    {
        // A product is seen by one user only, so a product rate fitted on a row's own label would rank that row
        // perfectly (ROC-AUC near 1). Encoded out of fold, the rates carry no information about random labels.
        var result = CrossValidation.Run(RandomPurchases(400, seed: 3), new CrossValidationSettings { Transformer = false, Resamples = 50 }, TextWriter.Null);

        Assert.Equal(CrossValidation.Baselines, result.Rows.Where(r => r.Source == "all").Select(r => r.Model));
        foreach (var model in new[] { CrossValidation.LogisticContextModel, CrossValidation.LogisticContextPerSourceModel, CrossValidation.CategoryRateModel })
        {
            var auc = result.Rows.Single(r => r.Model == model && r.Source == "all").Evaluation.Report.RocAuc;
            Assert.InRange(auc, 0.3, 0.7);
        }
    }

    [Fact]
    public void ContextFeatures_LabelsOfARowsOwnFold_DoNotChangeItsFeatures()
    {
        // Target encoding leaks when a row's rate includes its own label. Flipping every label of one fold must leave
        // that fold's features unchanged, for the held-out fold (0) and for a training fold (1).
        var (stream, points) = TrainingData.SessionConversion(RandomPurchases(200, seed: 5));
        var eval = FeatureReplay.Build(stream, points);
        var labels = Enumerable.Range(0, eval.Count).Select(i => eval.LabelOf(i, StreamScoring.Core.Features.FeatureSpec.ConversionHead) == true ? 1f : 0f).ToArray();
        var fold = Enumerable.Range(0, eval.Count).Select(i => CrossValidation.FoldOf(eval.UserOf(i), 5)).ToArray();
        var train = Enumerable.Range(0, eval.Count).Where(i => fold[i] != 0).ToArray();
        var test = Enumerable.Range(0, eval.Count).Where(i => fold[i] == 0).ToArray();
        var c = CrossValidation.ContextFeatureNames.Count;

        var before = CrossValidation.ContextFeatures(stream, eval, labels, fold, train, test);
        foreach (var flippedFold in new[] { 0, 1 })
        {
            var flipped = labels.Select((l, i) => fold[i] == flippedFold ? 1 - l : l).ToArray();
            var after = CrossValidation.ContextFeatures(stream, eval, flipped, fold, train, test);
            var rows = Enumerable.Range(0, eval.Count).Where(i => fold[i] == flippedFold).ToArray();
            Assert.NotEmpty(rows);
            Assert.All(rows, i => Assert.Equal(before.AsSpan(i * c, c).ToArray(), after.AsSpan(i * c, c).ToArray()));
            if (flippedFold != 0)
            {
                Assert.NotEqual(before, after); // a training fold's labels do reach the other folds' rates
            }
        }
    }
}
