namespace StreamScoring.Inference;

/// <summary>
/// Maps one head's raw model score to a calibrated probability. Stored per head in the model manifest
/// (<c>calibration</c>) and applied by <see cref="OnnxScorer"/>, so every consumer of scores (the worker,
/// <c>score-file</c>, <c>evaluate</c>) sees the same calibrated values.
/// </summary>
/// <remarks>
/// <para><c>isotonic</c>: a non-decreasing piecewise-linear map through the knots (<see cref="X"/>, <see cref="Y"/>),
/// fitted by pool-adjacent-violators on a calibration split; scores below the first knot map to its
/// <c>y</c>, above the last to the last <c>y</c>. Between knots the map is strictly increasing (adjacent PAV
/// blocks have distinct means), so it keeps the ranking except in the two flat tails.</para>
/// <para><c>platt</c>: <c>1 / (1 + exp(-(A * logit(s) + B)))</c>.</para>
/// <para><c>identity</c> (or a manifest without a calibrator for the head): the raw score.</para>
/// </remarks>
public sealed record ScoreCalibrator
{
    /// <summary>Name of the isotonic method.</summary>
    public const string Isotonic = "isotonic";

    /// <summary>Name of the Platt (logistic on the logit) method.</summary>
    public const string Platt = "platt";

    /// <summary>Name of the identity map.</summary>
    public const string Identity = "identity";

    /// <summary><c>isotonic</c>, <c>platt</c> or <c>identity</c>.</summary>
    public string Method { get; init; } = Identity;

    /// <summary>Isotonic knots: raw scores, strictly increasing.</summary>
    public IReadOnlyList<float> X { get; init; } = [];

    /// <summary>Isotonic knots: calibrated values, non-decreasing, one per <see cref="X"/>.</summary>
    public IReadOnlyList<float> Y { get; init; } = [];

    /// <summary>Platt slope on the logit of the raw score.</summary>
    public double A { get; init; } = 1;

    /// <summary>Platt intercept.</summary>
    public double B { get; init; }

    /// <summary>Where the calibrator was fitted and how many rows (documentation only).</summary>
    public string? FittedOn { get; init; }

    /// <summary>The calibrated value of <paramref name="raw"/>.</summary>
    public float Apply(float raw)
    {
        switch (Method)
        {
            case Isotonic when X.Count > 0:
                if (raw <= X[0])
                {
                    return Y[0];
                }

                if (raw >= X[^1])
                {
                    return Y[^1];
                }

                // Binary search for the segment [X[lo], X[lo + 1]] holding raw.
                int lo = 0, hi = X.Count - 1;
                while (hi - lo > 1)
                {
                    var mid = (lo + hi) >>> 1;
                    if (X[mid] <= raw)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                var t = (raw - X[lo]) / (X[hi] - X[lo]);
                return Y[lo] + (t * (Y[hi] - Y[lo]));
            case Platt:
                var p = Math.Clamp(raw, 1e-7, 1 - 1e-7);
                var z = (A * Math.Log(p / (1 - p))) + B;
                return (float)(1 / (1 + Math.Exp(-z)));
            default:
                return raw;
        }
    }

    /// <summary>Checks the calibrator's shape; the message names the head.</summary>
    /// <exception cref="InvalidDataException">Unknown method, or isotonic knots of different lengths or out of order.</exception>
    public void Validate(string head)
    {
        switch (Method)
        {
            case Identity or Platt:
                return;
            case Isotonic:
                if (X.Count == 0 || X.Count != Y.Count)
                {
                    throw new InvalidDataException($"calibration of head '{head}': isotonic needs as many y as x values (found {X.Count} and {Y.Count}, at least 1).");
                }

                for (var i = 1; i < X.Count; i++)
                {
                    if (!(X[i] > X[i - 1]) || Y[i] < Y[i - 1])
                    {
                        throw new InvalidDataException($"calibration of head '{head}': isotonic knots must have increasing x and non-decreasing y (knot {i}).");
                    }
                }

                return;
            default:
                throw new InvalidDataException($"calibration of head '{head}': unknown method '{Method}' (expected {Isotonic}, {Platt} or {Identity}).");
        }
    }
}
