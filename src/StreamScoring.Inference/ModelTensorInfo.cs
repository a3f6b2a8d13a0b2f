namespace StreamScoring.Inference;

/// <summary>Name, element type and shape of a model input or output, as the manifest records them.</summary>
/// <param name="Name">Input or output name in the graph.</param>
/// <param name="ElementType">Element type: <c>int64</c> or <c>float</c>.</param>
/// <param name="Shape">Dimensions; <see cref="ModelManifest.DynamicDimension"/> (-1) marks the dynamic batch axis.</param>
public sealed record ModelTensorInfo(string Name, string ElementType, IReadOnlyList<long> Shape);
