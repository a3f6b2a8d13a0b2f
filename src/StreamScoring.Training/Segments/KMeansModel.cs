namespace StreamScoring.Training.Segments;

/// <summary>A fitted k-means model: <see cref="K"/> centroids of <see cref="Dim"/> floats and the nearest-centroid rule.</summary>
public sealed class KMeansModel
{
    private readonly float[][] _centroids;

    /// <summary>Wraps centroids (for example read back from a <see cref="SegmentsFile"/>); they are copied.</summary>
    /// <param name="centroids">k rows of equal, non-zero length.</param>
    /// <param name="inertia">Sum of squared distances of the training rows to their centroid, if known.</param>
    /// <param name="iterations">Lloyd iterations the winning restart ran, if known.</param>
    /// <exception cref="ArgumentException">No centroid, or rows of different lengths.</exception>
    public KMeansModel(IReadOnlyList<float[]> centroids, double inertia = double.NaN, int iterations = 0)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        if (centroids.Count == 0 || centroids[0].Length == 0 || centroids.Any(c => c.Length != centroids[0].Length))
        {
            throw new ArgumentException("centroids must be k >= 1 rows of one non-zero length", nameof(centroids));
        }

        _centroids = [.. centroids.Select(c => (float[])c.Clone())];
        Inertia = inertia;
        Iterations = iterations;
    }

    /// <summary>Number of centroids (segments).</summary>
    public int K => _centroids.Length;

    /// <summary>Length of a vector.</summary>
    public int Dim => _centroids[0].Length;

    /// <summary>The centroids, k rows of <see cref="Dim"/> floats. Do not modify.</summary>
    public IReadOnlyList<float[]> Centroids => _centroids;

    /// <summary>Sum of squared distances of the training rows to their centroid (lower is tighter).</summary>
    public double Inertia { get; }

    /// <summary>Lloyd iterations the winning restart ran.</summary>
    public int Iterations { get; }

    /// <summary>Index of the nearest centroid (squared Euclidean distance; ties go to the lowest index).</summary>
    /// <exception cref="ArgumentException"><paramref name="vector"/> is not <see cref="Dim"/> long.</exception>
    public int Assign(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dim)
        {
            throw new ArgumentException($"vector has {vector.Length} values, the model {Dim}", nameof(vector));
        }

        return Nearest(vector, out _);
    }

    /// <summary>Nearest centroid of each of the <paramref name="n"/> rows of a flat n × <see cref="Dim"/> buffer.</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not n × <see cref="Dim"/> long.</exception>
    public int[] AssignAll(ReadOnlySpan<float> data, int n)
    {
        if (n < 0 || data.Length != (long)n * Dim)
        {
            throw new ArgumentException($"data has {data.Length} values, expected {n} x {Dim}", nameof(data));
        }

        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = Nearest(data.Slice(i * Dim, Dim), out _);
        }

        return result;
    }

    internal int Nearest(ReadOnlySpan<float> vector, out double squaredDistance)
    {
        var best = 0;
        squaredDistance = double.PositiveInfinity;
        for (var c = 0; c < _centroids.Length; c++)
        {
            var d = SquaredDistance(vector, _centroids[c]);
            if (d < squaredDistance)
            {
                squaredDistance = d;
                best = c;
            }
        }

        return best;
    }

    internal static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
