using Google.Protobuf;
using Onnx;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Recommendation;
using StreamScoring.Training.Tests.Model;

namespace StreamScoring.Training.Tests.Onnx;

[Collection(TorchTests.Name)]
public sealed class NextCategoryHeadExporterTests(ExportedModelFixture fixture) : IClassFixture<ExportedModelFixture>, IDisposable
{
    private const int Batch = 6;
    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-next-category-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AttachedHead_ScoresAsTheFittedHeadAndLeavesTheRiskHeadsAlone()
    {
        var (tokens, mask, aggregates) = Inputs();
        var (scoresBefore, embeddings) = Score(fixture.ModelPath, tokens, mask, aggregates);
        var head = FittedHead(embeddings);
        var path = Copy();

        NextCategoryHeadExporter.Attach(path, head, new NextCategoryHeadInfo { Labels = [.. Enumerable.Range(0, FeatureSpec.CategoryBuckets).Select(b => "c" + b)], TrainedOn = "test" });

        using var scorer = new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Assert.Equal(FeatureSpec.NextCategoryCount, scorer.NextCategoryCount);
        Assert.Equal("c7", scorer.NextCategoryLabels[7]);
        var k = FeatureSpec.NextCategoryCount;
        var scores = new float[Batch * FeatureSpec.Heads.Count];
        var after = new float[Batch * scorer.EmbeddingSize];
        var buckets = new long[Batch * k];
        var probabilities = new float[Batch * k];
        scorer.Score(tokens, mask, aggregates, Batch, scores, after, buckets, probabilities);

        Assert.Equal(scoresBefore, scores);
        Assert.Equal(embeddings, after);
        var e = scorer.EmbeddingSize;
        for (var row = 0; row < Batch; row++)
        {
            var category = (int)tokens[(row * FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount) + FeatureSpec.TokenFieldCount + (int)TokenField.Category]
                - FeatureSpec.FieldOffsets[(int)TokenField.Category];
            var logits = new double[FeatureSpec.CategoryBuckets];
            head.Logits(embeddings.AsSpan(row * e, e), category, logits);
            var expected = Softmax(logits);
            var top = Enumerable.Range(0, expected.Length).OrderByDescending(c => expected[c]).Take(k).ToArray();
            Assert.Equal(top.Select(c => (long)c), buckets.Skip(row * k).Take(k));
            for (var j = 0; j < k; j++)
            {
                Assert.Equal(expected[top[j]], probabilities[(row * k) + j], 4);
            }
        }
    }

    [Fact]
    public void AttachedProducts_AreTheTopCategoriesProductsByProbabilityTimesShare()
    {
        var (tokens, mask, aggregates) = Inputs();
        var (_, embeddings) = Score(fixture.ModelPath, tokens, mask, aggregates);
        var head = FittedHead(embeddings);
        // Three products in every bucket, shares 0.6 / 0.3 / 0.1; product ids name their bucket.
        var events = Enumerable.Range(0, FeatureSpec.CategoryBuckets)
            .SelectMany(b => CategoryOfBucket(b) is { } category
                ? new[] { (6, "a"), (3, "b"), (1, "c") }.SelectMany(p => Enumerable.Repeat(new StreamScoring.Core.Events.ClickEvent
                {
                    EventId = "e", UserId = "u", Type = StreamScoring.Core.Events.EventType.View, TimestampMs = 1,
                    ProductId = $"{b}{p.Item2}", CategoryPath = category,
                }, p.Item1))
                : [])
            .ToList();
        var table = CategoryItemTable.Build(events, perBucket: 3);
        var path = Copy();

        var manifest = NextCategoryHeadExporter.Attach(path, head, new NextCategoryHeadInfo { TrainedOn = "test" }, table);

        Assert.Equal(table.Items, manifest!.NextCategory!.Items);
        Assert.Equal(6, manifest.Outputs.Count);
        using var scorer = new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Assert.Equal(FeatureSpec.NextItemCount, scorer.NextItemCount);
        var k = FeatureSpec.NextCategoryCount;
        var m = FeatureSpec.NextItemCount;
        var buckets = new long[Batch * k];
        var probabilities = new float[Batch * k];
        var items = new long[Batch * m];
        var itemScores = new float[Batch * m];
        scorer.Score(tokens, mask, aggregates, Batch, new float[Batch * 3], [], buckets, probabilities, items, itemScores);

        for (var row = 0; row < Batch; row++)
        {
            var expected = Enumerable.Range(0, k)
                .SelectMany(j => table.Of((int)buckets[(row * k) + j]).Select(p => (p.Item, Score: probabilities[(row * k) + j] * p.Share)))
                .OrderByDescending(p => p.Score)
                .Take(m)
                .ToList();
            Assert.Equal(expected.Select(p => p.Item), items.Skip(row * m).Take(m).Select(i => scorer.NextItem(i)));
            for (var j = 0; j < m; j++)
            {
                Assert.Equal(expected[j].Score, itemScores[(row * m) + j], 5);
            }
        }
    }

    // A category name that hashes into bucket b (searched; null if none of the first few thousand do).
    private static string? CategoryOfBucket(int bucket) =>
        Enumerable.Range(0, 20000).Select(i => "c" + i).FirstOrDefault(c => TokenEncoder.CategoryId(c) - 2 == bucket);

    [Fact]
    public void AttachingAgain_ReplacesTheHeadAndTheManifestSaysSo()
    {
        var (tokens, mask, aggregates) = Inputs();
        var (_, embeddings) = Score(fixture.ModelPath, tokens, mask, aggregates);
        var path = Copy();
        var info = new NextCategoryHeadInfo { Labels = [.. Enumerable.Repeat<string?>(null, FeatureSpec.CategoryBuckets)], TrainedOn = "first", Evaluation = "HR@5 0.5" };

        NextCategoryHeadExporter.Attach(path, FittedHead(embeddings), info);
        var once = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var manifest = NextCategoryHeadExporter.Attach(path, FittedHead(embeddings), info with { TrainedOn = "second" });
        var twice = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

        Assert.Equal(once.Graph.Node.Count, twice.Graph.Node.Count);
        Assert.Equal(once.Graph.Initializer.Count, twice.Graph.Initializer.Count);
        Assert.Equal(
            [FeatureSpec.ScoresOutput, FeatureSpec.EmbeddingOutput, FeatureSpec.NextCategoryBucketsOutput, FeatureSpec.NextCategoryScoresOutput],
            twice.Graph.Output.Select(o => o.Name));
        Assert.Equal("second", Assert.Single(twice.MetadataProps, p => p.Key == NextCategoryHeadExporter.MetadataKey).Value);
        var read = ModelManifest.Read(ModelManifest.PathFor(path));
        Assert.Equal("second", manifest!.NextCategory!.TrainedOn);
        Assert.Equal("second", read.NextCategory!.TrainedOn);
        Assert.Equal("HR@5 0.5", read.NextCategory.Evaluation);
        Assert.Equal(4, read.Outputs.Count);
        Assert.Equal([-1L, FeatureSpec.NextCategoryCount], read.Outputs[2].Shape);
    }

    [Fact]
    public void AHeadOfAnotherEmbeddingSize_IsRefused()
    {
        var head = new NextCategoryHead(steps: 5);
        head.Fit(NextCategoryPoints.From(new float[3], 3, [2], [0], ["u"], ["s"], ["rees46"]));

        Assert.Throws<InvalidDataException>(() => NextCategoryHeadExporter.Attach(Copy(), head, new NextCategoryHeadInfo()));
    }

    [Fact]
    public void HalfAHead_IsRefusedAtLoad_AndAModelWithoutOne_SaysSoWhenAskedForCategories()
    {
        var (tokens, mask, aggregates) = Inputs();
        var (_, embeddings) = Score(fixture.ModelPath, tokens, mask, aggregates);
        var path = Copy();
        NextCategoryHeadExporter.Attach(path, FittedHead(embeddings), new NextCategoryHeadInfo());
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        model.Graph.Output.Remove(model.Graph.Output.Single(o => o.Name == FeatureSpec.NextCategoryScoresOutput));
        File.WriteAllBytes(path, model.ToByteArray());

        var error = Assert.Throws<ModelLoadException>(() => new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu }));
        Assert.Equal("invalid_signature", error.Reason);
        Assert.Contains(FeatureSpec.NextCategoryScoresOutput, error.Message);

        using var plain = new OnnxScorer(fixture.ModelPath, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Assert.Equal(0, plain.NextCategoryCount);
        Assert.Throws<InvalidOperationException>(() => plain.Score(
            tokens, mask, aggregates, Batch, new float[Batch * 3], [], new long[Batch * 5], new float[Batch * 5]));
    }

    private string Copy()
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".onnx");
        File.Copy(fixture.ModelPath, path);
        File.Copy(ModelManifest.PathFor(fixture.ModelPath), ModelManifest.PathFor(path));
        return path;
    }

    // A head with non-zero weights of every kind, fitted on the model's own embeddings with random targets.
    private static NextCategoryHead FittedHead(float[] embeddings)
    {
        var e = embeddings.Length / Batch;
        var random = new Random(3);
        var rows = 60;
        var points = NextCategoryPoints.From(
            [.. Enumerable.Range(0, rows).SelectMany(i => embeddings.AsSpan((i % Batch) * e, e).ToArray().Select(v => v + (0.01f * i)))],
            e,
            [.. Enumerable.Range(0, rows).Select(_ => random.Next(FeatureSpec.FieldSizes[(int)TokenField.Category]))],
            [.. Enumerable.Range(0, rows).Select(_ => random.Next(FeatureSpec.CategoryBuckets))],
            [.. Enumerable.Range(0, rows).Select(i => "u" + i)],
            [.. Enumerable.Range(0, rows).Select(i => "s" + i)],
            [.. Enumerable.Range(0, rows).Select(_ => "rees46")]);
        var head = new NextCategoryHead(steps: 30);
        head.Fit(points);
        return head;
    }

    // Valid random inputs: every field's ids inside its own range; the last category varies by row.
    private static (long[] Tokens, float[] Mask, float[] Aggregates) Inputs()
    {
        var random = new Random(11);
        var s = FeatureSpec.SequenceLength;
        var f = FeatureSpec.TokenFieldCount;
        var tokens = new long[Batch * s * f];
        for (var i = 0; i < tokens.Length; i++)
        {
            var field = i % f;
            tokens[i] = FeatureSpec.FieldOffsets[field] + random.Next(FeatureSpec.FieldSizes[field]);
        }

        var mask = Enumerable.Repeat(1f, Batch * s).ToArray();
        var aggregates = Enumerable.Range(0, Batch * FeatureSpec.AggregateCount).Select(_ => (float)random.NextDouble()).ToArray();
        return (tokens, mask, aggregates);
    }

    private static (float[] Scores, float[] Embeddings) Score(string path, long[] tokens, float[] mask, float[] aggregates)
    {
        using var scorer = new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var scores = new float[Batch * FeatureSpec.Heads.Count];
        var embeddings = new float[Batch * scorer.EmbeddingSize];
        scorer.Score(tokens, mask, aggregates, Batch, scores, embeddings);
        return (scores, embeddings);
    }

    private static double[] Softmax(double[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(v => v / sum)];
    }
}
