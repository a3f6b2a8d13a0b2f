using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Tests.Shared;
using StreamScoring.Training.Data;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

/// <summary>The segment step of training on a small simulator run, scored by the shipped model.</summary>
public sealed class SegmentBuilderTests : IDisposable
{
    private readonly OnnxScorer _scorer = new(RepositoryPaths.File("models", "model.onnx"), new OnnxScorerOptions { Device = ScoringDevice.Cpu });

    public void Dispose() => _scorer.Dispose();

    private List<SegmentUserRow> CreateRows() =>
        SegmentBuilder.Rows(_scorer, [TrainingData.FromSimulator("toy", SimulatorOptions.Training(11) with { Users = 80, Days = 3 })]);

    [Fact]
    public void Rows_SimulatedUsers_OneRowPerUserWithItsModelInputAtTheLastEvent()
    {
        var rows = CreateRows();

        Assert.Equal(80, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(_scorer.EmbeddingSize, r.Embedding.Length);
            Assert.Equal(FeatureSpec.AggregateCount, r.Input!.Aggregates.Length);
            Assert.Equal(FeatureBatch.TokensPerRow, r.Input.Tokens.Length);
        });
        // The embedding is the model's for exactly that input.
        var scores = new float[FeatureSpec.Heads.Count];
        var embedding = new float[_scorer.EmbeddingSize];
        _scorer.Score(rows[5].Input!.Tokens, rows[5].Input!.Mask, rows[5].Input!.Aggregates, 1, scores, embedding);
        Assert.Equal(rows[5].Embedding.ToArray(), embedding);
    }

    [Fact]
    public void Fit_Rows_UniqueNamesAndABaselinePerNonEmptySegment()
    {
        var file = SegmentBuilder.Fit(CreateRows(), k: 4, seed: 3);

        Assert.Equal(4, file.Profiles.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(FeatureSpec.Hash, file.FeatureSpecHash);
        Assert.Equal(80, file.PopulationBaseline!.Users);
        Assert.Equal(file.Profiles.Select(p => p.Size), file.Baselines!.Select(b => b?.Users ?? 0));
    }

    [Fact]
    public void Refresh_ExistingFile_KeepsCentroidsAndRecomputesProfiles()
    {
        var rows = CreateRows();
        var fitted = SegmentBuilder.Fit(rows, k: 3, seed: 5);
        var stale = fitted with { Profiles = [.. fitted.Profiles.Select(p => p with { Name = "old", Size = 0 })], Baselines = null };

        var refreshed = SegmentBuilder.Refresh(rows, stale);

        Assert.Equal(fitted.Centroids, refreshed.Centroids);
        Assert.Equal(fitted.Profiles, refreshed.Profiles);
        Assert.NotNull(refreshed.Baselines);
    }

    [Fact]
    public void ReplaceCardTable_CardWithSegmentTable_ReplacesOnlyTheTable()
    {
        const string card = "# Card\n\n## Segments\n\nk-means text.\n\n| Segment | Name |\n|---:|---|\n| 0 | suspected fraud 2 |\n\n\n## Limitations\n- x\n";
        const string table = "| Segment | Name |\n|---:|---|\n| 0 | card-testing bursts |\n| 1 | browsers |\n";

        var result = SegmentBuilder.ReplaceCardTable(card, table);

        Assert.Equal("# Card\n\n## Segments\n\nk-means text.\n\n| Segment | Name |\n|---:|---|\n| 0 | card-testing bursts |\n| 1 | browsers |\n\n\n## Limitations\n- x\n", result);
        Assert.Equal("# Card\nno segments\n", SegmentBuilder.ReplaceCardTable("# Card\nno segments\n", table));
    }
}
