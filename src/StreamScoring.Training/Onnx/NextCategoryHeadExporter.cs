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
/// softmax's top <see cref="FeatureSpec.NextCategoryCount"/>). Every node of the encoder and the risk heads is left as
/// it was, so their outputs do not change; attaching again replaces an earlier head.
/// </summary>
/// <remarks>
/// The graph added, at opset 17: <c>Gather</c> position 1 (the latest event) and field <see cref="TokenField.Category"/>
/// of <c>tokens</c>, <c>Sub</c> the field's vocabulary offset, <c>Gather</c> its transition row; <c>MatMul</c> of the
/// embedding by W, <c>Add</c> the bias and the row, <c>Softmax</c>, <c>TopK</c> (largest, sorted).
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
    public static ModelManifest? Attach(string modelPath, NextCategoryHead head, NextCategoryHeadInfo info)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(info);
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(modelPath));
        Attach(model, head, info);
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
        manifest = manifest with
        {
            Outputs =
            [
                .. manifest.Outputs.Where(o => o.Name is not (FeatureSpec.NextCategoryBucketsOutput or FeatureSpec.NextCategoryScoresOutput)),
                new(FeatureSpec.NextCategoryBucketsOutput, "int64", [Batch, FeatureSpec.NextCategoryCount]),
                new(FeatureSpec.NextCategoryScoresOutput, "float", [Batch, FeatureSpec.NextCategoryCount]),
            ],
            NextCategory = info,
        };
        manifest.Write(manifestPath);
        return manifest;
    }

    /// <summary>Attaches the head to <paramref name="model"/> in memory (replacing an earlier one).</summary>
    internal static void Attach(ModelProto model, NextCategoryHead head, NextCategoryHeadInfo info)
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
        model.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = info.TrainedOn });
    }

    /// <summary>Removes an attached head (its nodes, initializers, outputs and metadata); a model without one is unchanged.</summary>
    internal static void Detach(ModelProto model)
    {
        var graph = model.Graph;
        RemoveWhere(graph.Node, n => n.Name.StartsWith(Prefix, StringComparison.Ordinal));
        RemoveWhere(graph.Initializer, i => i.Name.StartsWith(Prefix, StringComparison.Ordinal));
        RemoveWhere(graph.Output, o => o.Name is FeatureSpec.NextCategoryBucketsOutput or FeatureSpec.NextCategoryScoresOutput);
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
