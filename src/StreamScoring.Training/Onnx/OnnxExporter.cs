using System.Globalization;
using Google.Protobuf;
using Onnx;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Internal;
using StreamScoring.Training.Model;
using TorchSharp;
using DataType = Onnx.TensorProto.Types.DataType;

namespace StreamScoring.Training.Onnx;

/// <summary>
/// Writes a trained <see cref="ScoringModel"/> as an ONNX model (opset 17) that
/// <see cref="OnnxScorer"/> serves: the same computation as <see cref="ScoringModel.forward"/> in eval
/// mode (no dropout) emitted op by op, plus a Sigmoid that turns the logits into <c>scores</c>.
/// </summary>
/// <remarks>
/// Inputs and outputs are named after <see cref="FeatureSpec"/> with a symbolic <c>batch</c> first axis
/// and fixed other dimensions. Metadata: <c>model_version</c>, <c>feature_spec_hash</c>, <c>heads</c>,
/// <c>created_utc</c>, the architecture and the spec's dimensions. Operators follow
/// https://onnx.ai/onnx/operators/ at opset 17 (ReduceSum and Unsqueeze take axes as an input there).
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The default-domain opset the graph uses (LayerNormalization needs 17).</summary>
    public const int Opset = 17;

    /// <summary>The symbolic name of the batch axis.</summary>
    public const string BatchAxis = "batch";

    /// <summary>IR version 8 is the first that opset 17 allows; older runtimes still read it.</summary>
    private const long IrVersion = 8;

    /// <summary>
    /// Writes the model to <paramref name="path"/> (atomically, through a temporary file) and, unless
    /// <see cref="OnnxExportOptions.WriteManifest"/> is off, its manifest to <see cref="ModelManifest.PathFor"/>.
    /// </summary>
    /// <returns>The manifest describing the written model.</returns>
    public static ModelManifest Export(ScoringModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxExportOptions();
        var created = (options.CreatedUtc ?? options.TimeProvider.GetUtcNow()).ToUniversalTime();

        var proto = Build(model, options, created);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            proto.WriteTo(stream);
        }

        File.Move(temporary, path, overwrite: true);

        var manifest = Manifest(model, options, created);
        if (options.WriteManifest)
        {
            manifest.Write(ModelManifest.PathFor(path));
        }

        return manifest;
    }

    /// <summary>Builds the ONNX model in memory.</summary>
    internal static ModelProto Build(ScoringModel model, OnnxExportOptions options, DateTimeOffset createdUtc)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var g = new OnnxGraphBuilder();
        var s = FeatureSpec.SequenceLength;
        var width = model.Options.Width;

        g.Graph.Input.Add(OnnxGraphBuilder.Value(FeatureSpec.TokensInput, DataType.Int64, BatchAxis, s, FeatureSpec.TokenFieldCount));
        g.Graph.Input.Add(OnnxGraphBuilder.Value(FeatureSpec.MaskInput, DataType.Float, BatchAxis, s));
        g.Graph.Input.Add(OnnxGraphBuilder.Value(FeatureSpec.AggregatesInput, DataType.Float, BatchAxis, FeatureSpec.AggregateCount));

        // Embeddings: one shared table, summed over the field axis, plus learned positions, then LN.
        var gathered = g.Node("Gather", [g.Initializer("token_embedding", model.TokenEmbedding.weight!), FeatureSpec.TokensInput], null, OnnxGraphBuilder.Int("axis", 0));
        var summed = g.Node("ReduceSum", [gathered, g.Int64Initializer("axes_fields", [2], 1)], null, OnnxGraphBuilder.Int("keepdims", 0));
        var x = g.Node("Add", [summed, g.Initializer("position_embedding", model.PositionEmbedding)]);
        x = g.LayerNorm("embedding_norm", x, model.EmbeddingNorm);

        // Key-padding bias [B, 1, 1, S] = (1 - mask) * MaskBias.
        var padding = g.Node("Sub", [g.Scalar("one", 1f), FeatureSpec.MaskInput]);
        var bias = g.Node("Mul", [padding, g.Scalar("mask_bias", ScoringModelConstants.MaskBias)]);
        var maskBias = g.Node("Unsqueeze", [bias, g.Int64Initializer("axes_heads_queries", [1, 2], 2)]);

        var layers = model.Layers;
        for (var i = 0; i < layers.Count; i++)
        {
            x = Layer(g, $"layer{i}", x, maskBias, layers[i], clsOnly: i == layers.Count - 1);
        }

        // [CLS] is position 0 (the only one the last layer computes): Gather with a scalar index drops the
        // sequence axis -> [B, D].
        var cls = g.Node("Gather", [x, g.Int64Initializer("cls_index", [0])], null, OnnxGraphBuilder.Int("axis", 1));
        var joined = g.Node("Concat", [cls, FeatureSpec.AggregatesInput], null, OnnxGraphBuilder.Int("axis", 1));
        var hidden = g.Gelu(g.Linear("projection_in", joined, model.ProjectionIn));
        var embedding = g.Linear("projection_out", hidden, model.ProjectionOut, FeatureSpec.EmbeddingOutput);
        var logits = g.Linear("heads", embedding, model.Heads);
        g.Node("Sigmoid", [logits], FeatureSpec.ScoresOutput);

        g.Graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.ScoresOutput, DataType.Float, BatchAxis, FeatureSpec.Heads.Count));
        g.Graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.EmbeddingOutput, DataType.Float, BatchAxis, model.EmbeddingSize));

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "StreamScoring",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            ModelVersion = 1,
            DocString = $"StreamScoring user scoring model {options.ModelVersion}: BERT-style encoder (width {width}, {layers.Count} layers) over event tokens + aggregates.",
            Graph = g.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        foreach (var (key, value) in Metadata(model, options, createdUtc))
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return proto;
    }

    // One encoder layer. With clsOnly, only the [CLS] row is computed: its query, attention output and feed-forward
    // (keys and values still cover every position), so the layer returns [B, 1, D]. The model reads the last layer
    // at [CLS] alone, and every position's output is a function of its own query row, so the scores are the same
    // function; the last layer costs ~1/5 of a full one (queries, output and feed-forward were ~85 % of its work).
    private static string Layer(OnnxGraphBuilder g, string prefix, string x, string maskBias, EncoderLayer layer, bool clsOnly)
    {
        var s = FeatureSpec.SequenceLength;
        var rows = clsOnly ? 1 : s;
        var split = g.Int64Initializer(prefix + ".split_heads", [-1, s, layer.Heads, layer.HeadSize], 4);
        var splitQueries = clsOnly ? g.Int64Initializer(prefix + ".split_query_heads", [-1, rows, layer.Heads, layer.HeadSize], 4) : split;
        var merge = g.Int64Initializer(prefix + ".merge_heads", [-1, rows, layer.Width], 3);
        var queryRows = clsOnly ? g.Node("Gather", [x, g.Int64Initializer(prefix + ".cls_row", [0], 1)], null, OnnxGraphBuilder.Int("axis", 1)) : x;

        // [B, S, D] -> [B, S, H, d] -> [B, H, S, d] (keys [B, H, d, S]), as EncoderLayer.forward permutes.
        var q = g.Node("Transpose", [g.Node("Reshape", [g.Linear(prefix + ".query", queryRows, layer.Query), splitQueries])], null, OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));
        var k = g.Node("Transpose", [g.Node("Reshape", [g.Linear(prefix + ".key", x, layer.Key), split])], null, OnnxGraphBuilder.Ints("perm", 0, 2, 3, 1));
        var v = g.Node("Transpose", [g.Node("Reshape", [g.Linear(prefix + ".value", x, layer.Value), split])], null, OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3));

        var scores = g.Node("Div", [g.Node("MatMul", [q, k]), g.Scalar(prefix + ".scale", MathF.Sqrt(layer.HeadSize))]);
        var weights = g.Node("Softmax", [g.Node("Add", [scores, maskBias])], null, OnnxGraphBuilder.Int("axis", -1));
        var context = g.Node("MatMul", [weights, v]);
        context = g.Node("Reshape", [g.Node("Transpose", [context], null, OnnxGraphBuilder.Ints("perm", 0, 2, 1, 3)), merge]);

        var attended = g.Linear(prefix + ".output", context, layer.Output);
        x = g.LayerNorm(prefix + ".attention_norm", g.Node("Add", [queryRows, attended]), layer.AttentionNorm);

        var inner = g.Gelu(g.Linear(prefix + ".ffn_in", x, layer.FeedForwardIn));
        var outer = g.Linear(prefix + ".ffn_out", inner, layer.FeedForwardOut);
        return g.LayerNorm(prefix + ".ffn_norm", g.Node("Add", [x, outer]), layer.FeedForwardNorm);
    }

    private static Dictionary<string, string> Metadata(ScoringModel model, OnnxExportOptions options, DateTimeOffset createdUtc)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = model.Options;
        var metadata = new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal)
        {
            [OnnxScorer.ModelVersionKey] = options.ModelVersion,
            [OnnxScorer.FeatureSpecHashKey] = FeatureSpec.Hash,
            [OnnxScorer.HeadsKey] = string.Join(',', FeatureSpec.Heads),
            [OnnxScorer.CreatedUtcKey] = createdUtc.ToString("O", inv),
            ["sequence_length"] = FeatureSpec.SequenceLength.ToString(inv),
            ["token_fields"] = FeatureSpec.TokenFieldCount.ToString(inv),
            ["vocabulary_size"] = FeatureSpec.VocabularySize.ToString(inv),
            ["aggregate_count"] = FeatureSpec.AggregateCount.ToString(inv),
            ["embedding_size"] = o.EmbeddingSize.ToString(inv),
            ["architecture"] = string.Create(inv,
                $"bert-post-ln width={o.Width} layers={o.Layers} heads={o.AttentionHeads} ffn={o.EffectiveFeedForwardSize} projection={o.EffectiveProjectionSize}"),
        };
        return metadata;
    }

    private static ModelManifest Manifest(ScoringModel model, OnnxExportOptions options, DateTimeOffset createdUtc)
    {
        const long Batch = ModelManifest.DynamicDimension;
        var s = FeatureSpec.SequenceLength;
        return new ModelManifest
        {
            ModelVersion = options.ModelVersion,
            FeatureSpecHash = FeatureSpec.Hash,
            Opset = Opset,
            Inputs =
            [
                new(FeatureSpec.TokensInput, "int64", [Batch, s, FeatureSpec.TokenFieldCount]),
                new(FeatureSpec.MaskInput, "float", [Batch, s]),
                new(FeatureSpec.AggregatesInput, "float", [Batch, FeatureSpec.AggregateCount]),
            ],
            Outputs =
            [
                new(FeatureSpec.ScoresOutput, "float", [Batch, FeatureSpec.Heads.Count]),
                new(FeatureSpec.EmbeddingOutput, "float", [Batch, model.EmbeddingSize]),
            ],
            Heads = [.. FeatureSpec.Heads],
            EmbeddingSize = model.EmbeddingSize,
            AlertThresholds = new Dictionary<string, float>(options.AlertThresholds, StringComparer.Ordinal),
            Calibration = new Dictionary<string, ScoreCalibrator>(options.Calibration, StringComparer.Ordinal),
            AlertTiers = new Dictionary<string, AlertTier>(options.AlertTiers, StringComparer.Ordinal),
            ThresholdBasis = new Dictionary<string, string>(options.ThresholdBasis, StringComparer.Ordinal),
            CreatedUtc = createdUtc,
        };
    }
}
