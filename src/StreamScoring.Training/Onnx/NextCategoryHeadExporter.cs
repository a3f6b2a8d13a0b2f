using Google.Protobuf;
using Onnx;
using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Training.Internal;
using StreamScoring.Training.Recommendation;
using DataType = Onnx.TensorProto.Types.DataType;

namespace StreamScoring.Training.Onnx;

/// <summary>
/// Attaches a fitted <see cref="NextCategoryHead"/> to an exported scoring model: nodes that read the model's own
/// <c>user_embedding</c> and the last event's category token, and two outputs,
/// <see cref="FeatureSpec.NextCategoryBucketsOutput"/> and <see cref="FeatureSpec.NextCategoryScoresOutput"/> (the
/// softmax's top <see cref="FeatureSpec.NextCategoryCount"/>), and, given a <see cref="CategoryItemTable"/>,
/// <see cref="FeatureSpec.NextItemIdsOutput"/> and <see cref="FeatureSpec.NextItemScoresOutput"/>: the products of
/// those categories scored P(category) × share, top <see cref="FeatureSpec.NextItemCount"/>. Every node of the encoder and the risk heads is left as
/// it was, so their outputs do not change; attaching again replaces an earlier head.
/// </summary>
/// <remarks>
/// The graph added, at opset 17: <c>Gather</c> position 1 (the latest event) and field <see cref="TokenField.Category"/>
/// of <c>tokens</c>, <c>Sub</c> the field's vocabulary offset, <c>Gather</c> its transition row; <c>MatMul</c> of the
/// embedding by W, <c>Add</c> the bias and the row, <c>Softmax</c>, <c>TopK</c> (largest, sorted); for products,
/// <c>Gather</c> the table rows of the top buckets, <c>Mul</c> by their probabilities, <c>Reshape</c> to one row per
/// user, <c>TopK</c>, and <c>GatherElements</c> the chosen products' indices.
/// </remarks>
public static class NextCategoryHeadExporter
{
    /// <summary>Prefix of every node, value and initializer name the head adds.</summary>
    public const string Prefix = "next_category.";

    /// <summary>Metadata key naming the attached head (its <see cref="NextCategoryHeadInfo.TrainedOn"/>).</summary>
    public const string MetadataKey = "next_category_head";

    /// <summary>
    /// Rewrites <paramref name="modelPath"/> with <paramref name="head"/> attached and its manifest (when there is one)
    /// with the two outputs and <paramref name="info"/>. Both are written through a temporary file.
    /// </summary>
    /// <returns>The manifest as written, or null when the model has none.</returns>
    /// <exception cref="InvalidDataException">The model has no <c>user_embedding</c> of the head's size.</exception>
    public static ModelManifest? Attach(string modelPath, NextCategoryHead head, NextCategoryHeadInfo info, CategoryItemTable? items = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(info);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        Attach(model, head, items);
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = info.TrainedOn });
        var temporary = modelPath + ".tmp";
        using (var stream = File.Create(temporary))
        {
            model.WriteTo(stream);
        }

        File.Move(temporary, modelPath, overwrite: true);

        var manifestPath = ModelManifest.PathFor(modelPath);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        var manifest = ModelManifest.Read(manifestPath);
        const long Batch = ModelManifest.DynamicDimension;
        List<ModelTensorInfo> outputs =
        [
            .. manifest.Outputs.Where(o => !HeadOutputs.Contains(o.Name)),
            new(FeatureSpec.NextCategoryBucketsOutput, "int64", [Batch, FeatureSpec.NextCategoryCount]),
            new(FeatureSpec.NextCategoryScoresOutput, "float", [Batch, FeatureSpec.NextCategoryCount]),
        ];
        if (items is not null)
        {
            outputs.Add(new(FeatureSpec.NextItemIdsOutput, "int64", [Batch, FeatureSpec.NextItemCount]));
            outputs.Add(new(FeatureSpec.NextItemScoresOutput, "float", [Batch, FeatureSpec.NextItemCount]));
        }

        manifest = manifest with { Outputs = outputs, NextCategory = info with { Items = items?.Items ?? [] } };
        manifest.Write(manifestPath);
        return manifest;
    }

    private static readonly string[] HeadOutputs =
        [FeatureSpec.NextCategoryBucketsOutput, FeatureSpec.NextCategoryScoresOutput, FeatureSpec.NextItemIdsOutput, FeatureSpec.NextItemScoresOutput];

    /// <summary>Attaches the head (and the products when <paramref name="items"/> is given) to <paramref name="model"/> in memory, replacing an earlier one.</summary>
    internal static void Attach(ModelProto model, NextCategoryHead head, CategoryItemTable? items)
    {
        if (head.Bias.Length == 0)
        {
            throw new InvalidOperationException("Fit the next-category head before attaching it.");
        }

        var graph = model.Graph;
        var embeddingSize = EmbeddingSizeOf(graph);
        if (embeddingSize != head.EmbeddingSize)
        {
            throw new InvalidDataException($"The model's '{FeatureSpec.EmbeddingOutput}' has {embeddingSize} values, but the head was fitted on {head.EmbeddingSize}.");
        }

        Detach(model);
        var g = new OnnxGraphBuilder(graph, Prefix);
        var buckets = FeatureSpec.CategoryBuckets;
        var latest = g.Node("Gather", [FeatureSpec.TokensInput, g.Int64Initializer("latest_position", [1])], null, OnnxGraphBuilder.Int("axis", 1));
        var category = g.Node("Gather", [latest, g.Int64Initializer("category_field", [(int)TokenField.Category])], null, OnnxGraphBuilder.Int("axis", 1));
        var categoryId = g.Node("Sub", [category, g.Int64Initializer("category_offset", [FeatureSpec.FieldOffsets[(int)TokenField.Category]])]);
        var transition = g.Node("Gather", [g.Initializer("transition", head.Transition, FeatureSpec.FieldSizes[(int)TokenField.Category], buckets), categoryId], null, OnnxGraphBuilder.Int("axis", 0));
        var linear = g.Node("Add", [g.Node("MatMul", [FeatureSpec.EmbeddingOutput, g.Initializer("weight", head.Weight, head.EmbeddingSize, buckets)]), g.Initializer("bias", head.Bias, buckets)]);
        var probabilities = g.Node("Softmax", [g.Node("Add", [linear, transition])], null, OnnxGraphBuilder.Int("axis", -1));
        g.MultiOutputNode(
            "TopK",
            [probabilities, g.Int64Initializer("k", [FeatureSpec.NextCategoryCount], 1)],
            [FeatureSpec.NextCategoryScoresOutput, FeatureSpec.NextCategoryBucketsOutput],
            OnnxGraphBuilder.Int("axis", -1),
            OnnxGraphBuilder.Int("largest", 1),
            OnnxGraphBuilder.Int("sorted", 1));
        graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.NextCategoryBucketsOutput, DataType.Int64, OnnxExporter.BatchAxis, FeatureSpec.NextCategoryCount));
        graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.NextCategoryScoresOutput, DataType.Float, OnnxExporter.BatchAxis, FeatureSpec.NextCategoryCount));
        if (items is not null)
        {
            AttachItems(g, items);
        }
    }

    // [B, 5] buckets -> [B, 5, P] products and shares; score = P(bucket) x share; the best NextItemCount of the 5 x P.
    private static void AttachItems(OnnxGraphBuilder g, CategoryItemTable items)
    {
        var buckets = FeatureSpec.CategoryBuckets;
        var p = items.PerBucket;
        var candidates = FeatureSpec.NextCategoryCount * p;
        if (candidates < FeatureSpec.NextItemCount)
        {
            throw new ArgumentException($"The item table keeps {p} products a bucket: {FeatureSpec.NextCategoryCount} buckets give fewer than the {FeatureSpec.NextItemCount} products returned.", nameof(items));
        }

        var shares = g.Node("Gather", [g.Initializer("item_share", items.Share, buckets, p), FeatureSpec.NextCategoryBucketsOutput], null, OnnxGraphBuilder.Int("axis", 0));
        var indices = g.Node("Gather", [g.Int64Initializer("item_index", [.. items.Index.Select(i => (long)i)], buckets, p), FeatureSpec.NextCategoryBucketsOutput], null, OnnxGraphBuilder.Int("axis", 0));
        var weighted = g.Node("Mul", [shares, g.Node("Unsqueeze", [FeatureSpec.NextCategoryScoresOutput, g.Int64Initializer("axes_items", [2], 1)])]);
        var flat = g.Int64Initializer("flatten_candidates", [-1, candidates], 2);
        var scores = g.Node("Reshape", [weighted, flat]);
        var ids = g.Node("Reshape", [indices, flat]);
        const string positions = Prefix + "item_positions";
        g.MultiOutputNode(
            "TopK",
            [scores, g.Int64Initializer("item_k", [FeatureSpec.NextItemCount], 1)],
            [FeatureSpec.NextItemScoresOutput, positions],
            OnnxGraphBuilder.Int("axis", -1),
            OnnxGraphBuilder.Int("largest", 1),
            OnnxGraphBuilder.Int("sorted", 1));
        g.Node("GatherElements", [ids, positions], FeatureSpec.NextItemIdsOutput, OnnxGraphBuilder.Int("axis", 1));
        g.Graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.NextItemIdsOutput, DataType.Int64, OnnxExporter.BatchAxis, FeatureSpec.NextItemCount));
        g.Graph.Output.Add(OnnxGraphBuilder.Value(FeatureSpec.NextItemScoresOutput, DataType.Float, OnnxExporter.BatchAxis, FeatureSpec.NextItemCount));
    }

    /// <summary>Removes an attached head (its nodes, initializers, outputs and metadata); a model without one is unchanged.</summary>
    internal static void Detach(ModelProto model)
    {
        var graph = model.Graph;
        RemoveWhere(graph.Node, n => n.Name.StartsWith(Prefix, StringComparison.Ordinal));
        RemoveWhere(graph.Initializer, i => i.Name.StartsWith(Prefix, StringComparison.Ordinal));
        RemoveWhere(graph.Output, o => HeadOutputs.Contains(o.Name));
        RemoveWhere(model.MetadataProps, p => p.Key == MetadataKey);
    }

    private static int EmbeddingSizeOf(GraphProto graph)
    {
        var output = graph.Output.FirstOrDefault(o => o.Name == FeatureSpec.EmbeddingOutput)
            ?? throw new InvalidDataException($"The model has no '{FeatureSpec.EmbeddingOutput}' output to attach a next-category head to.");
        var dims = output.Type.TensorType.Shape.Dim;
        return dims.Count == 2 ? (int)dims[1].DimValue : -1;
    }

    private static void RemoveWhere<T>(Google.Protobuf.Collections.RepeatedField<T> items, Func<T, bool> match)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            if (match(items[i]))
            {
                items.RemoveAt(i);
            }
        }
    }
}
