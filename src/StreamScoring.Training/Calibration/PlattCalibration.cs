using StreamScoring.Inference;

namespace StreamScoring.Training.Calibration;

/// <summary>
/// Fits a Platt calibrator (<see cref="ScoreCalibrator.Platt"/>): <c>p = 1 / (1 + exp(-(A * logit(s) + B)))</c>, by
/// Newton's method on the log loss with Platt's smoothed targets (Platt 1999; Lin, Lin and Weng 2007).
/// </summary>
/// <remarks>
/// Two parameters and strictly increasing (A &gt; 0 whenever higher raw scores mean more positives), so the calibrated
/// scores rank rows exactly as the raw ones everywhere, including below and above the range the calibration run
/// covered; isotonic maps both tails to a constant and ties every row there.
/// </remarks>
public static class PlattCalibration
{
    private const int MaxIterations = 100;

    /// <summary>Fits a calibrator to raw <paramref name="scores"/> and 0/1 <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">No rows, or lengths differ.</exception>
    public static ScoreCalibrator Fit(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, string? fittedOn = null)
    {
        if (scores.Length != labels.Length || scores.Length == 0)
        {
            throw new ArgumentException($"need as many labels as scores, at least one ({scores.Length} scores, {labels.Length} labels)", nameof(labels));
        }

        var n = scores.Length;
        var x = new double[n];
        var positives = 0;
        for (var i = 0; i < n; i++)
        {
            x[i] = Logit(scores[i]);
            positives += labels[i] >= 0.5f ? 1 : 0;
        }

        // Smoothed targets keep the fit finite when the classes separate: (N+ + 1) / (N+ + 2) and 1 / (N- + 2).
        var negatives = n - positives;
        var high = (positives + 1.0) / (positives + 2.0);
        var low = 1.0 / (negatives + 2.0);
        var t = new double[n];
        for (var i = 0; i < n; i++)
        {
            t[i] = labels[i] >= 0.5f ? high : low;
        }

        double a = 1, b = 0;
        var loss = Loss(x, t, a, b);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            // Gradient and Hessian of the mean log loss in (a, b); a tiny ridge keeps the Hessian invertible.
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (var i = 0; i < n; i++)
            {
                var p = Sigmoid((a * x[i]) + b);
                var d = p - t[i];
                var w = p * (1 - p);
                ga += d * x[i];
                gb += d;
                haa += w * x[i] * x[i];
                hab += w * x[i];
                hbb += w;
            }

            var det = (haa * hbb) - (hab * hab);
            var da = ((hbb * ga) - (hab * gb)) / det;
            var db = ((haa * gb) - (hab * ga)) / det;

            // Backtracking: halve the Newton step until the loss does not rise.
            var step = 1.0;
            double next;
            while ((next = Loss(x, t, a - (step * da), b - (step * db))) > loss + 1e-12 && step > 1e-6)
            {
                step /= 2;
            }

            a -= step * da;
            b -= step * db;
            var improvement = loss - next;
            loss = next;
            if (Math.Abs(step * da) < 1e-9 && Math.Abs(step * db) < 1e-9 || improvement < 1e-12)
            {
                break;
            }
        }

        return new ScoreCalibrator { Method = ScoreCalibrator.Platt, A = a, B = b, FittedOn = fittedOn };
    }

    // The same clamp as ScoreCalibrator.Apply, so fitting and serving see the same logit.
    private static double Logit(float s)
    {
        var p = Math.Clamp(s, 1e-7, 1 - 1e-7);
        return Math.Log(p / (1 - p));
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static double Loss(double[] x, double[] t, double a, double b)
    {
        double sum = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = (a * x[i]) + b;
            // log(1 + e^z) - t z, computed without overflow.
            var softplus = z > 0 ? z + double.LogP1(Math.Exp(-z)) : double.LogP1(Math.Exp(z));
            sum += softplus - (t[i] * z);
        }

        return sum / x.Length;
    }
}
