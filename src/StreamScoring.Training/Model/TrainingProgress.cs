namespace StreamScoring.Training.Model;

/// <summary>A progress report of a <see cref="Trainer"/> run.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Step">Optimiser steps so far, over all epochs.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's steps so far.</param>
/// <param name="ValidationLoss">Validation loss; set only on the report that ends an epoch.</param>
/// <param name="HeadValidationLoss">Validation loss per head (<c>NaN</c> where the head has no known label); with <paramref name="ValidationLoss"/>.</param>
/// <param name="Elapsed">Time since training began.</param>
public sealed record TrainingProgress(
    int Epoch,
    long Step,
    double TrainLoss,
    double? ValidationLoss,
    IReadOnlyList<double>? HeadValidationLoss,
    TimeSpan Elapsed)
{
    /// <summary>Whether this report closes an epoch (and so carries validation losses).</summary>
    public bool IsEpochEnd => ValidationLoss is not null;
}
