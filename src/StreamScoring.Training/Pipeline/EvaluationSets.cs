using StreamScoring.Simulator;
using StreamScoring.Training.Data;

namespace StreamScoring.Training.Pipeline;

/// <summary>
/// The fixed evaluation datasets of the model card. None of them is used for training: the
/// simulator runs use other seeds (and the held-out run another behaviour mix and intensity),
/// and the REES46 users are the ~20 % that <see cref="TrainingData.IsHeldOutUser"/> keeps out.
/// </summary>
public static class EvaluationSets
{
    /// <summary>Seed of the held-out simulator run (different mix and intensity: <see cref="SimulatorOptions.HeldOut"/>).</summary>
    public const int HeldOutSeed = 90210;

    /// <summary>Seed of the calibration run used to choose alert thresholds (training mix, another seed).</summary>
    public const int CalibrationSeed = 4242;

    /// <summary>Scoring points per user in evaluation runs (uniformly sampled), so bots do not dominate.</summary>
    public const int PointsPerUser = 64;

    /// <summary>The held-out simulator run: all heads.</summary>
    public static SampleSet SimulatorHeldOut(int users, int days)
    {
        var stream = TrainingData.FromSimulator("simulator-heldout", SimulatorOptions.HeldOut(HeldOutSeed) with { Users = users, Days = days });
        return FeatureReplay.Build(stream, FeatureReplay.SamplePerUser(stream, PointsPerUser, HeldOutSeed));
    }

    /// <summary>The calibration run, sampled like the evaluation runs (at most <see cref="PointsPerUser"/> points per user).</summary>
    public static SampleSet SimulatorCalibration(int users, int days)
    {
        var stream = SimulatorCalibrationStream(users, days);
        return FeatureReplay.Build(stream, FeatureReplay.SamplePerUser(stream, PointsPerUser, CalibrationSeed));
    }

    /// <summary>
    /// The calibration run as a stream (training behaviour mix, the demo's preset, another seed): calibrators are
    /// fitted and alert thresholds chosen here, never on evaluation data.
    /// </summary>
    public static LabelledEvents SimulatorCalibrationStream(int users, int days) =>
        TrainingData.FromSimulator("simulator-calibration", SimulatorOptions.Training(CalibrationSeed) with { Users = users, Days = days });

    /// <summary>
    /// REES46 held-out users, session-level conversion: scored after each event before the session's
    /// first purchase, label = the session purchases.
    /// </summary>
    public static (SampleSet Samples, int BadRows) Rees46HeldOut(IEnumerable<string> files)
    {
        var (stream, bad) = TrainingData.FromRees46("rees46-heldout", files, TrainingData.IsHeldOutUser);
        var (relabelled, points) = TrainingData.SessionConversion(stream);
        return (FeatureReplay.Build(relabelled, points), bad);
    }
}
