namespace StreamScoring.Training.Model;

/// <summary>Why a <see cref="Trainer"/> run stopped.</summary>
public enum TrainingStopReason
{
    /// <summary>Every epoch ran.</summary>
    Completed,

    /// <summary>The validation loss stopped improving for <see cref="TrainerOptions.Patience"/> epochs.</summary>
    EarlyStopped,

    /// <summary><see cref="TrainerOptions.MaxDuration"/> ran out.</summary>
    TimeBudget,

    /// <summary>The cancellation token fired.</summary>
    Cancelled,
}

/// <summary>The outcome of <see cref="Trainer.Train(TrainingSet, ScoringModelOptions?, CancellationToken)"/>.</summary>
/// <param name="Model">The model, holding the weights of its best validation epoch (in eval mode).</param>
/// <param name="Epochs">Per-epoch summaries (the <see cref="TrainingProgress"/> that closed each epoch).</param>
/// <param name="BestEpoch">1-based epoch whose weights were kept (0 when no epoch finished).</param>
/// <param name="BestValidationLoss">Validation loss of <paramref name="BestEpoch"/>.</param>
/// <param name="PositiveWeights">Per-head positive-class weights used in the loss.</param>
/// <param name="TrainCount">Samples trained on.</param>
/// <param name="ValidationCount">Samples validated on.</param>
/// <param name="StopReason">Why training stopped.</param>
/// <param name="Elapsed">Total training time.</param>
public sealed record TrainingResult(
    ScoringModel Model,
    IReadOnlyList<TrainingProgress> Epochs,
    int BestEpoch,
    double BestValidationLoss,
    IReadOnlyList<float> PositiveWeights,
    int TrainCount,
    int ValidationCount,
    TrainingStopReason StopReason,
    TimeSpan Elapsed);
