using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Training.Model;

/// <summary>Optimisation settings of a <see cref="Trainer"/>.</summary>
public sealed class TrainerOptions
{
    /// <summary>Most passes over the training samples. Default 30.</summary>
    [Range(1, 10_000)]
    public int Epochs { get; set; } = 30;

    /// <summary>Samples per minibatch. Default 256.</summary>
    [Range(1, 65_536)]
    public int BatchSize { get; set; } = 256;

    /// <summary>Adam learning rate. Default 1e-3.</summary>
    [Range(1e-7, 1.0)]
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>Decoupled (AdamW) weight decay. Default 0.01.</summary>
    [Range(0.0, 1.0)]
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Epochs without a validation-loss improvement before training stops. Default 3.</summary>
    [Range(1, 1000)]
    public int Patience { get; set; } = 3;

    /// <summary>Wall-clock budget; training stops after the step that exceeds it. Default <c>null</c>: none.</summary>
    public TimeSpan? MaxDuration { get; set; }

    /// <summary>Seed of weight initialisation, dropout, the validation split and shuffling. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Share of groups (users) held out for validation. Default 0.1.</summary>
    [Range(0.0, 0.9)]
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Cap of the per-head positive-class weight (negatives / positives). Default 20.</summary>
    [Range(1.0, 10_000.0)]
    public double PositiveWeightCap { get; set; } = 20;

    /// <summary>
    /// Chance per training sample that one attribution group (<see cref="Inference.Attribution.FeatureGroups"/>) is
    /// replaced by a non-fraudulent sample's (<see cref="GroupDropout"/>); validation is never augmented. Default 0: off.
    /// </summary>
    [Range(0.0, 1.0)]
    public double GroupDropout { get; set; }

    /// <summary>
    /// Weight of an auxiliary next-category loss: a linear softmax over the category buckets from the user embedding,
    /// trained with the heads on <see cref="TrainingSet.NextCategory"/> (multi-task pretraining of the encoder on next-event
    /// prediction; the auxiliary layer is dropped after training and never exported). Model selection still uses the
    /// heads' validation loss. Default 0: off, and nothing about training changes.
    /// </summary>
    [Range(0.0, 100.0)]
    public double NextCategoryWeight { get; set; }

    /// <summary>Steps between progress reports (an epoch's end always reports). Default 50.</summary>
    [Range(1, 1_000_000)]
    public int ProgressInterval { get; set; } = 50;

    /// <summary>Torch CPU threads. Default <c>null</c>: <see cref="Environment.ProcessorCount"/>.</summary>
    [Range(1, 1024)]
    public int? Threads { get; set; }

    /// <summary>Throws <see cref="ValidationException"/> naming the first property out of range.</summary>
    public void Validate() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}
