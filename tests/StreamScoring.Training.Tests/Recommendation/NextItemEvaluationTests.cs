using StreamScoring.Training.Commands;
using StreamScoring.Training.Pipeline;
using StreamScoring.Training.Recommendation;

namespace StreamScoring.Training.Tests.Recommendation;

public sealed class NextItemEvaluationTests
{
    /// <summary>Recommends a fixed list and remembers what it was fitted on.</summary>
    private sealed class FixedRecommender(params string[] list) : INextItemRecommender
    {
        public List<ItemSession> FittedOn { get; } = [];

        public string Name => "fixed";

        public void Fit(IReadOnlyList<ItemSession> sessions) => FittedOn.AddRange(sessions);

        public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
        {
            into.Clear();
            into.AddRange(list.Take(k));
        }
    }

    /// <summary>A fixed list that counts how often it is disposed.</summary>
    private sealed class DisposableRecommender : INextItemRecommender, IDisposable
    {
        public int Disposed { get; private set; }

        public string Name => "disposable";

        public void Fit(IReadOnlyList<ItemSession> sessions)
        {
        }

        public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into) => into.Clear();

        public void Dispose() => Disposed++;
    }

    [Fact]
    public void Ranks_DisposableRecommender_IsDisposedOncePerFold()
    {
        var sessions = Enumerable.Range(0, 20).Select(i => Sessions.Of("s" + i, "a b", user: "user" + i)).ToList();
        var folds = 4;
        var made = new List<DisposableRecommender>();

        NextItemEvaluation.Ranks(sessions, [.. sessions.Select(s => CrossValidation.FoldOf(s.UserId, folds))], folds, () =>
        {
            var r = new DisposableRecommender();
            made.Add(r);
            return r;
        }, out _);

        Assert.Equal(folds, made.Count);
        Assert.All(made, r => Assert.Equal(1, r.Disposed));
    }

    [Fact]
    public void Run_FixedList_GivesTheHandComputedMetrics()
    {
        // Targets: s1 b (rank 2), c (rank 3); s2 z (absent); s3 a (rank 1). 4 points.
        ItemSession[] sessions = [Sessions.Of("s1", "a b c"), Sessions.Of("s2", "a z"), Sessions.Of("s3", "b a")];
        string[] list = ["a", "b", "c"];

        var report = NextItemEvaluation.Run(sessions, [() => new FixedRecommender(list)], folds: 2, resamples: 200);

        var all = Assert.Single(report.Models, m => m.Source == NextItemEvaluation.AllSources);
        Assert.Equal(4, all.Points);
        Assert.Equal(3, all.Sessions);
        Assert.Equal(3 / 4.0, all.HitRate5.Value, 12);
        var ndcg = (1 / Math.Log2(3) + (1 / Math.Log2(4)) + 0 + 1) / 4;
        Assert.Equal(ndcg, all.Ndcg5.Value, 12);
        Assert.Equal(ndcg, all.Ndcg20.Value, 12);
        Assert.InRange(all.HitRate5.Value, all.HitRate5.Lower, all.HitRate5.Upper);
        Assert.True(all.HitRate5.Upper > all.HitRate5.Lower, "three sessions that differ must give an interval");
    }

    [Fact]
    public void Ranks_FitOnOtherFoldsOnly_SoAUsersSessionsNeverTrainTheirOwnTest()
    {
        var sessions = Enumerable.Range(0, 40)
            .Select(i => Sessions.Of("s" + i, "a b", user: "user" + (i % 10)))
            .ToList();
        var folds = 5;
        var foldOf = sessions.Select(s => CrossValidation.FoldOf(s.UserId, folds)).ToArray();
        var made = new List<FixedRecommender>();

        NextItemEvaluation.Ranks(sessions, foldOf, folds, () =>
        {
            var r = new FixedRecommender("b");
            made.Add(r);
            return r;
        }, out _);

        Assert.Equal(folds, made.Count);
        for (var f = 0; f < folds; f++)
        {
            var testUsers = sessions.Where((_, i) => foldOf[i] == f).Select(s => s.UserId).ToHashSet();
            Assert.DoesNotContain(made[f].FittedOn, s => testUsers.Contains(s.UserId));
            Assert.Equal(sessions.Count(s => !testUsers.Contains(s.UserId)), made[f].FittedOn.Count);
        }
    }

    [Fact]
    public void Run_PerSource_SplitsThePoints()
    {
        ItemSession[] sessions = [Sessions.Of("s1", "a b", source: "x"), Sessions.Of("s2", "a b c", source: "y")];

        var report = NextItemEvaluation.Run(sessions, [() => new FixedRecommender("b", "c")], folds: 2, resamples: 50);

        Assert.Equal(["all", "x", "y"], report.Models.Select(m => m.Source));
        Assert.Equal(1, report.Models.Single(m => m.Source == "x").Points);
        Assert.Equal(2, report.Models.Single(m => m.Source == "y").Points);
        Assert.Equal(3, report.Points);
    }

    [Fact]
    public void Command_MeasuresTheBaselinesThenTheLearntModels()
    {
        Assert.Equal([.. RecommendEvalCommand.Baselines, .. RecommendEvalCommand.Models], RecommendEvalCommand.All);
        Assert.Contains(RecommendEvalCommand.Models, f => f() is GruRecommender);
    }

    [Fact]
    public void Command_RepositoryRees46_PrintsOneJsonReportWithEveryBaseline()
    {
        var files = Directory.GetFiles(StreamScoring.Tests.Shared.RepositoryPaths.File("models", "data", "rees46"), "*.csv");
        using var output = new StringWriter();
        using var log = new StringWriter();

        // The baselines only: training the GRU five times is the command's job, not a unit test's (its own tests
        // are GruRecommenderTests).
        var exit = RecommendEvalCommand.Run(files, digineticaDirectory: null, folds: 5, output, log, RecommendEvalCommand.Baselines);

        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString());
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(RecommendEvalCommand.Baselines.Count * 2, models.Count); // all + rees46
        Assert.All(models, m => Assert.InRange(m.GetProperty("hit_rate20").GetProperty("value").GetDouble(), 0, 1));
        Assert.True(json.RootElement.GetProperty("points").GetInt32() > 1000);
        Assert.Contains("| session kNN (V-SKNN) | rees46 |", log.ToString(), StringComparison.Ordinal);
    }
}
