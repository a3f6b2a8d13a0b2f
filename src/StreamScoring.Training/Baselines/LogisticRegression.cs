namespace StreamScoring.Training.Baselines;

/// <summary>
/// L2-regularised logistic regression fitted by full-batch gradient descent on standardised features: the
/// "aggregates only" baseline of the model card (it sees the same 98 window aggregates as the transformer, no
/// sequence). Deliberately plain; it is a yardstick, not a model to ship.
/// </summary>
public sealed class LogisticRegression
{
    private readonly double[] _mean;
    private readonly double[] _scale;
    private readonly double[] _weights;
    private readonly double _bias;

    private LogisticRegression(double[] mean, double[] scale, double[] weights, double bias)
    {
        _mean = mean;
        _scale = scale;
        _weights = weights;
        _bias = bias;
    }

    /// <summary>Features per row.</summary>
    public int Dimension => _weights.Length;

    /// <summary>Fitted weight of feature <paramref name="index"/> (on the standardised scale).</summary>
    public double Weight(int index) => _weights[index];

    /// <summary>Fitted intercept.</summary>
    public double Bias => _bias;

    /// <summary>
    /// Minimises mean log loss + <paramref name="l2"/>/2 · |w|² (the intercept is not penalised) over
    /// <paramref name="iterations"/> gradient steps of size <paramref name="learningRate"/>.
    /// </summary>
    /// <param name="features">Rows × <paramref name="dimension"/>, row-major.</param>
    /// <param name="labels">0/1 per row.</param>
    /// <param name="dimension">Features per row.</param>
    /// <param name="l2">L2 penalty. Default 0.01.</param>
    /// <param name="iterations">Gradient steps. Default 500.</param>
    /// <param name="learningRate">Step size. Default 0.5 (features are standardised).</param>
    public static LogisticRegression Fit(ReadOnlySpan<float> features, ReadOnlySpan<float> labels, int dimension, double l2 = 0.01, int iterations = 500, double learningRate = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        var n = labels.Length;
        if (n == 0 || features.Length != n * dimension)
        {
            throw new ArgumentException($"need rows x {dimension} features for {n} labels (at least one row), got {features.Length}", nameof(features));
        }

        var mean = new double[dimension];
        var scale = new double[dimension];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                mean[j] += features[(i * dimension) + j];
            }
        }

        for (var j = 0; j < dimension; j++)
        {
            mean[j] /= n;
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                var d = features[(i * dimension) + j] - mean[j];
                scale[j] += d * d;
            }
        }

        for (var j = 0; j < dimension; j++)
        {
            var sd = Math.Sqrt(scale[j] / n);
            scale[j] = sd > 1e-9 ? sd : 1; // a constant feature stays 0 after centring
        }

        var x = new double[n * dimension];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < dimension; j++)
            {
                x[(i * dimension) + j] = (features[(i * dimension) + j] - mean[j]) / scale[j];
            }
        }

        var w = new double[dimension];
        var gradient = new double[dimension];
        double b = 0;
        for (var step = 0; step < iterations; step++)
        {
            Array.Clear(gradient);
            double gradientBias = 0;
            for (var i = 0; i < n; i++)
            {
                var z = b;
                for (var j = 0; j < dimension; j++)
                {
                    z += w[j] * x[(i * dimension) + j];
                }

                var error = Sigmoid(z) - (labels[i] >= 0.5f ? 1 : 0);
                gradientBias += error;
                for (var j = 0; j < dimension; j++)
                {
                    gradient[j] += error * x[(i * dimension) + j];
                }
            }

            b -= learningRate * gradientBias / n;
            for (var j = 0; j < dimension; j++)
            {
                w[j] -= learningRate * ((gradient[j] / n) + (l2 * w[j]));
            }
        }

        return new LogisticRegression(mean, scale, w, b);
    }

    /// <summary>The probability of the positive class for one row of raw features.</summary>
    public float Predict(ReadOnlySpan<float> row)
    {
        var z = _bias;
        for (var j = 0; j < _weights.Length; j++)
        {
            z += _weights[j] * (row[j] - _mean[j]) / _scale[j];
        }

        return (float)Sigmoid(z);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
