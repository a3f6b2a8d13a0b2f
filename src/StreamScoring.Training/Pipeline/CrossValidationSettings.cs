namespace StreamScoring.Training.Pipeline;

/// <summary>Settings of the k-fold cross-validation by user over the real data (<c>crossvalidate</c>, and part of <c>train</c>).</summary>
public sealed class CrossValidationSettings
{
    /// <summary>Folds (k). Default 5.</summary>
    public int Folds { get; set; } = 5;

    /// <summary>Whether the transformer is trained per fold (k trainings); off = baselines only. Default true.</summary>
    public bool Transformer { get; set; } = true;

    /// <summary>Simulated users mixed into each fold's transformer training. Default 500 (the shipped model: 3,000), so a fold's short budget goes further on the real users.</summary>
    public int SimUsers { get; set; } = 500;

    /// <summary>Simulated days. Default 14.</summary>
    public int SimDays { get; set; } = 14;

    /// <summary>Scoring points sampled per simulated user. Default 24.</summary>
    public int SamplesPerUser { get; set; } = 24;

    /// <summary>Times the real training samples of a fold are repeated. Default 4 (as the shipped model).</summary>
    public int RealRepeat { get; set; } = 4;

    /// <summary>Most epochs per fold. Default 3.</summary>
    public int Epochs { get; set; } = 3;

    /// <summary>
    /// Optimisation budget per fold, minutes (wall clock: on a busy machine fewer epochs fit). Default 1.5: the short
    /// budget that keeps k trainings affordable on 2 cores (0.75 allowed a single epoch).
    /// </summary>
    public double MinutesPerFold { get; set; } = 1.5;

    /// <summary>Feature-group dropout of each fold's transformer (<see cref="Model.TrainerOptions.GroupDropout"/>). Default 0.5, as the shipped model.</summary>
    public double GroupDropout { get; set; } = 0.5;

    /// <summary>Weight of each fold's auxiliary next-category loss (<see cref="Model.TrainerOptions.NextCategoryWeight"/>). Default 0: off, as the shipped model.</summary>
    public double NextCategoryWeight { get; set; }

    /// <summary>Simulated users of the calibration run that fits each fold's conversion calibrator. Default 200.</summary>
    public int CalibrationUsers { get; set; } = 200;

    /// <summary>Seed of data, folds' training and the bootstrap. Default 7.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Bootstrap resamples per interval. Default 1,000.</summary>
    public int Resamples { get; set; } = 1000;
}
