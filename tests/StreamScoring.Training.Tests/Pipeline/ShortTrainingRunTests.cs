using StreamScoring.Core.Features;
using StreamScoring.Inference;
using StreamScoring.Simulator;
using StreamScoring.Training.Data;
using StreamScoring.Training.Model;
using StreamScoring.Training.Onnx;
using StreamScoring.Training.Tests.Model;

namespace StreamScoring.Training.Tests.Pipeline;

/// <summary>The real path end to end at toy size: simulator -> serving features -> a few training steps -> ONNX -> ORT.</summary>
[Collection(TorchTests.Name)]
public sealed class ShortTrainingRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-shortrun-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Train_FewStepsOnSimulatorFeatures_ExportsOnnxThatMatchesTorch()
    {
        var stream = TrainingData.FromSimulator("toy", SimulatorOptions.Training(11) with { Users = 60, Days = 3 });
        var samples = FeatureReplay.Build(stream, FeatureReplay.SamplePerUser(stream, 8, seed: 11));
        var trainer = new Trainer(new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 11, Threads = 1, ProgressInterval = 1000 });

        var result = trainer.Train(samples.ToTrainingSet(), new ScoringModelOptions { Width = 64, Layers = 2, Dropout = 0 });
        var path = Path.Combine(_dir, "model.onnx");
        var manifest = OnnxExporter.Export(result.Model, path, new OnnxExportOptions { ModelVersion = "toy" });

        Assert.InRange(result.Epochs.Count, 1, 2);
        Assert.Equal(FeatureSpec.Hash, manifest.FeatureSpecHash);
        var (torchProbabilities, torchEmbeddings) = Trainer.Predict(result.Model, samples.Tokens, samples.Mask, samples.Aggregates);
        using var scorer = new OnnxScorer(path, new OnnxScorerOptions { Device = ScoringDevice.Cpu });
        var (onnxProbabilities, onnxEmbeddings) = OnnxBatchScorer.Score(scorer, samples);
        Assert.Equal(torchProbabilities.Length, onnxProbabilities.Length);
        Assert.All(torchProbabilities.Zip(onnxProbabilities), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1e-4));
        Assert.All(torchEmbeddings.Zip(onnxEmbeddings), p => Assert.InRange(Math.Abs(p.First - p.Second), 0, 1e-4));
        Assert.Contains(onnxProbabilities, p => p is > 0 and < 1);
    }
}
