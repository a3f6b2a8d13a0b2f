using System.ComponentModel.DataAnnotations;
using StreamScoring.Core.Features;
using StreamScoring.Training.Recommendation;
using StreamScoring.Training.Tests.Model;
using static StreamScoring.Training.Tests.Recommendation.NextCategoryPointsFactory;

namespace StreamScoring.Training.Tests.Recommendation;

[Collection(TorchTests.Name)]
public sealed class NextCategoryHeadTests
{
    [Fact]
    public void Transitions_LearnAFixedNextCategoryPerCategory()
    {
        // After category id c comes bucket (c * 7) mod 254, never the category itself.
        var rows = Enumerable.Range(0, 400).Select(i => (Last: 2 + (i % 40), Target: ((2 + (i % 40)) * 7) % FeatureSpec.CategoryBuckets)).ToArray();
        var points = Of(rows);
        var head = new NextCategoryHead(useEmbedding: false, useTransition: true);

        head.Fit(points);

        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(1, RankOf(head, points, i, rows[i].Target));
        }
    }

    [Fact]
    public void StayBonus_CarriesToACategoryNeverSeenInTraining()
    {
        // Users stay in their category 9 times in 10, else go to bucket 100 or 198 (equally popular); nobody in
        // training came FROM category id 200 (bucket 198).
        var rows = Enumerable.Range(0, 500).Select(i => (Last: 2 + (i % 50), Target: (i % 20) switch { 0 => 100, 10 => 198, _ => i % 50 })).ToArray();
        var head = new NextCategoryHead(useEmbedding: false, useTransition: true);
        head.Fit(Of(rows));

        var query = Of((200, 0));

        Assert.True(head.StayBonus > 1, $"stay bonus {head.StayBonus}");
        Assert.Equal(1, RankOf(head, query, 0, 198));

        // Counting transitions cannot: it has no row for category 200 and falls back to popularity (100 first on the tie).
        var counts = new CategoryTransitionRanker();
        counts.Fit(Of(rows));
        Assert.Equal(2, RankOf(counts, query, 0, 198));
    }

    [Fact]
    public void Embedding_LearnsTheTargetFromTheUserEmbedding()
    {
        // The embedding says which of 4 buckets comes next (a noisy one-hot, shifted and scaled: the fit standardises).
        var random = new Random(5);
        var rows = new (int Last, int Target)[400];
        var embeddings = new float[400][];
        for (var i = 0; i < rows.Length; i++)
        {
            var target = i % 4;
            rows[i] = (1, 20 + target);
            embeddings[i] = [.. Enumerable.Range(0, 4).Select(j => 10 + (3 * ((j == target ? 1f : 0f) + (0.1f * (float)random.NextDouble()))))];
        }

        var points = WithEmbeddings(4, embeddings, rows);
        var head = new NextCategoryHead(useEmbedding: true, useTransition: false);

        head.Fit(points);

        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(1, RankOf(head, points, i, rows[i].Target)));
    }

    [Fact]
    public void Fit_IsRepeatableFromItsSeed()
    {
        var rows = Enumerable.Range(0, 100).Select(i => (Last: 2 + (i % 9), Target: i % 13)).ToArray();
        var first = new NextCategoryHead(steps: 20);
        var second = new NextCategoryHead(steps: 20);

        first.Fit(Of(rows));
        second.Fit(Of(rows));

        Assert.Equal(first.Bias, second.Bias);
        Assert.Equal(first.Transition, second.Transition);
    }

    [Fact]
    public void BadSettingsAndUse_AreRefused()
    {
        Assert.Throws<ValidationException>(() => new NextCategoryHead(useEmbedding: false, useTransition: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NextCategoryHead(steps: 0));
        Assert.Throws<InvalidOperationException>(() => RankOf(new NextCategoryHead(), Of((2, 0)), 0, 0));
        Assert.Throws<ArgumentException>(() => new NextCategoryHead().Fit(Of()));
    }
}
