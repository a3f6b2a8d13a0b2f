namespace StreamScoring.Training.Pipeline;

/// <summary>Settings of the <c>train</c> command; every default is what produced the shipped model.</summary>
public sealed class TrainSettings
{
    /// <summary>Simulated training users. Default 3,000.</summary>
    public int SimUsers { get; set; } = 3000;

    /// <summary>Simulated days. Default 14 (long enough for 7-day churn labels).</summary>
    public int SimDays { get; set; } = 14;

    /// <summary>Seed of the training run, the sampling and the trainer. Default 7.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Scoring points sampled per simulated user. Default 24.</summary>
    public int SamplesPerUser { get; set; } = 24;

    /// <summary>Times the REES46 training samples are repeated, so the real domain is not drowned by the simulator. Default 4.</summary>
    public int Rees46Repeat { get; set; } = 4;

    /// <summary>Maximum epochs. Default 12.</summary>
    public int Epochs { get; set; } = 12;

    /// <summary>Wall-clock budget for the optimisation loop, minutes. Default 10.</summary>
    public double MaxMinutes { get; set; } = 10;

    /// <summary>Feature-group dropout of the training (<see cref="Model.TrainerOptions.GroupDropout"/>), also used by the cross-validation's folds. Default 0.5 (the shipped model: with 0 its alerts on card testers were explained by prices alone).</summary>
    public double GroupDropout { get; set; } = 0.5;

    /// <summary>Simulated users of each evaluation run. Default 1,000.</summary>
    public int EvalUsers { get; set; } = 1000;

    /// <summary>Number of user segments (k of k-means). Default 8.</summary>
    public int Segments { get; set; } = 8;

    /// <summary>Where model.onnx, its manifest, segments, evaluation, plots and the model card go. Default <c>models</c>.</summary>
    public string OutputDirectory { get; set; } = "models";

    /// <summary>REES46 CSV files. Default: every CSV under <c>models/data/rees46</c>.</summary>
    public IReadOnlyList<string> Rees46Files { get; set; } = [];

    /// <summary>DIGINETICA directory (views, purchases, categories). Default none: REES46 is the only real source.</summary>
    public string? DigineticaDirectory { get; set; }

    /// <summary>Whether <c>train</c> runs the k-fold cross-validation on real data (k short trainings). Default true.</summary>
    public bool CrossValidate { get; set; } = true;

    /// <summary>Settings of that cross-validation.</summary>
    public CrossValidationSettings CrossValidation { get; set; } = new();

    /// <summary>Model version written into the model. Default: start time to the minute and seed, <c>yyyyMMdd-HHmm-s{seed}</c> (<see cref="TrainPipeline.DefaultModelVersion"/>).</summary>
    public string? ModelVersion { get; set; }
}
