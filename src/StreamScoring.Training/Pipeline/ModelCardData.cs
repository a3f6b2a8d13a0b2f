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
    TimeSpan TotalElapsed)
{
    /// <summary>The calibration run's calibrators and operating points (null for cards of older runs).</summary>
    public Calibration.CalibrationOutcome? Calibration { get; init; }

    /// <summary>The cross-validation on real data (null when skipped).</summary>
    public CrossValidationResult? CrossValidation { get; init; }

    /// <summary>Real users in training (REES46 + DIGINETICA).</summary>
    public int RealUsers { get; init; }
}
