using StreamScoring.Core.Features;

namespace StreamScoring.Inference;

/// <summary>
/// The calibrators of every head, in <see cref="FeatureSpec.Heads"/> order, built from a manifest; a head without
/// a calibrator (and a manifest from before calibrators existed) keeps its raw score.
/// </summary>
public sealed class ScoreCalibration
{
    private readonly ScoreCalibrator?[] _byHead;

    /// <summary>Calibration that changes nothing.</summary>
    public static ScoreCalibration Identity { get; } = new(new Dictionary<string, ScoreCalibrator>());

    /// <summary>Builds the per-head calibration from a manifest's <c>calibration</c> map.</summary>
    /// <exception cref="InvalidDataException">A calibrator is malformed or names an unknown head.</exception>
    public ScoreCalibration(IReadOnlyDictionary<string, ScoreCalibrator> calibrators)
    {
        ArgumentNullException.ThrowIfNull(calibrators);
        _byHead = new ScoreCalibrator?[FeatureSpec.Heads.Count];
        foreach (var (head, calibrator) in calibrators)
        {
            var index = IndexOf(head);
            calibrator.Validate(head);
            _byHead[index] = calibrator.Method == ScoreCalibrator.Identity ? null : calibrator;
        }
    }

    /// <summary>True when no head is changed.</summary>
    public bool IsIdentity => Array.TrueForAll(_byHead, c => c is null);

    /// <summary>The calibrator of head <paramref name="head"/>, or null when its score stays raw.</summary>
    public ScoreCalibrator? For(int head) => _byHead[head];

    /// <summary>Calibrates, in place, rows of one score per head (<c>batch × heads</c>, row-major).</summary>
    public void Apply(Span<float> scores)
    {
        var heads = _byHead.Length;
        for (var head = 0; head < heads; head++)
        {
            if (_byHead[head] is not { } calibrator)
            {
                continue;
            }

            for (var i = head; i < scores.Length; i += heads)
            {
                scores[i] = calibrator.Apply(scores[i]);
            }
        }
    }

    private static int IndexOf(string head)
    {
        for (var i = 0; i < FeatureSpec.Heads.Count; i++)
        {
            if (FeatureSpec.Heads[i] == head)
            {
                return i;
            }
        }

        throw new InvalidDataException($"calibration names head '{head}', which the model does not have (heads: {string.Join(", ", FeatureSpec.Heads)}).");
    }
}
