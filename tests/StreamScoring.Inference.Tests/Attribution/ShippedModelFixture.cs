using StreamScoring.Inference;
using StreamScoring.Inference.Attribution;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Inference.Tests.Attribution;

/// <summary>The model shipped under <c>models/</c> with its segments and an explainer, loaded once per test class.</summary>
public sealed class ShippedModelFixture : IDisposable
{
    public ShippedModelFixture()
    {
        Manifest = ModelManifest.Read(RepositoryPaths.File("models", "model.manifest.json"));
        Scorer = new OnnxScorer(RepositoryPaths.File("models", "model.onnx"), new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        Segments = SegmentCentroids.Load(RepositoryPaths.File("models", SegmentCentroids.FileName));
        var baselines = Segments.Baselines
            ?? throw new InvalidOperationException("models/segments.json has no baselines: run `streamscoring-train segments` (see the README)");
        Explainer = new AlertExplainer(Scorer, baselines);
    }

    public ModelManifest Manifest { get; }

    public OnnxScorer Scorer { get; }

    public SegmentCentroids Segments { get; }

    public AlertExplainer Explainer { get; }

    public void Dispose() => Scorer.Dispose();
}
