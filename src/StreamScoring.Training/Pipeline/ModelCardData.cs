using StreamScoring.Inference;
using StreamScoring.Training.Model;
using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Pipeline;

/// <summary>Everything the model card reports about one training run.</summary>
public sealed record ModelCardData(
    ModelManifest Manifest,
    TrainingResult Training,
    Dictionary<string, List<HeadEvaluation>> Evaluation,
    SegmentsFile Segments,
    TrainSettings Settings,
    int SimulatedEvents,
    int Rees46Events,
    int TrainingSamples,
    TimeSpan TotalElapsed);
