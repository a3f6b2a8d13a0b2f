using StreamScoring.Training.Model;
using StreamScoring.Training.Onnx;
using TorchSharp;

namespace StreamScoring.Training.Tests.Onnx;

/// <summary>
/// One model with every parameter perturbed away from its initial value (so LayerNorm scales and
/// biases matter), exported once to a private directory.
/// </summary>
public sealed class ExportedModelFixture : IDisposable
{
    public ExportedModelFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "streamscoring-onnx-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        torch.manual_seed(123);
        Model = new ScoringModel(new ScoringModelOptions { Width = 64, Layers = 2, AttentionHeads = 4, EmbeddingSize = 32 });
        using (torch.no_grad())
        {
            foreach (var parameter in Model.parameters())
            {
                using var noise = torch.randn_like(parameter).mul_(0.1);
                parameter.add_(noise);
            }
        }

        Model.eval();
        ModelPath = Path.Combine(Directory, "model.onnx");
        Manifest = OnnxExporter.Export(Model, ModelPath, new OnnxExportOptions
        {
            ModelVersion = "test-1",
            CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
            AlertThresholds = { ["fraud"] = 0.9f },
        });
    }

    public string Directory { get; }

    public ScoringModel Model { get; }

    public string ModelPath { get; }

    public StreamScoring.Inference.ModelManifest Manifest { get; }

    public void Dispose()
    {
        Model.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
