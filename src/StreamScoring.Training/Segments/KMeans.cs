namespace StreamScoring.Training.Segments;

/// <summary>
/// k-means clustering of user embeddings into segments: k-means++ seeding, Lloyd iterations until no assignment
/// changes (or <c>maxIterations</c>), several restarts keeping the lowest inertia. Deterministic for a given seed:
/// every random draw comes from one <see cref="Random"/> seeded once, and ties break towards the lowest index.
/// </summary>
/// <remarks>
/// k-means++ is Arthur and Vassilvitskii, "k-means++: The Advantages of Careful Seeding" (SODA 2007): each new
/// centre is drawn with probability proportional to the squared distance to the nearest centre already chosen.
/// A cluster that loses all its rows is re-seeded with the row farthest from its own centroid, as scikit-learn does.
/// </remarks>
public static class KMeans
{
    /// <summary>Default number of restarts.</summary>
    public const int DefaultRestarts = 4;

    /// <summary>Default cap on Lloyd iterations per restart.</summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>Clusters <paramref name="n"/> rows of a flat n × <paramref name="dim"/> buffer into <paramref name="k"/> segments.</summary>
    /// <param name="data">Row-major values, n × dim.</param>
    /// <param name="n">Number of rows.</param>
    /// <param name="dim">Values per row.</param>
    /// <param name="k">Number of clusters, 1 ≤ k ≤ n.</param>
    /// <param name="seed">Seed of the only random source.</param>
    /// <param name="restarts">Independent runs; the one with the lowest inertia wins.</param>
    /// <param name="maxIterations">Cap on Lloyd iterations per run.</param>
    /// <exception cref="ArgumentException">Sizes do not match or are out of range.</exception>
    public static KMeansModel Fit(
        ReadOnlySpan<float> data,
        int n,
        int dim,
        int k,
        int seed,
        int restarts = DefaultRestarts,
        int maxIterations = DefaultMaxIterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(restarts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        if (data.Length != (long)n * dim)
        {
            throw new ArgumentException($"data has {data.Length} values, expected {n} x {dim}", nameof(data));
        }

        var random = new Random(seed);
        KMeansModel? best = null;
        for (var r = 0; r < restarts; r++)
        {
            var model = RunOnce(data, n, dim, k, random, maxIterations);
            // Strictly lower: on equal inertia the earlier restart stays, keeping the result independent of float noise order.
            if (best is null || model.Inertia < best.Inertia)
            {
                best = model;
            }
        }

        return best!;
    }

    /// <summary>Clusters rows given as separate arrays (all of one length); see the flat overload.</summary>
    /// <exception cref="ArgumentException">No rows, or rows of different lengths.</exception>
    public static KMeansModel Fit(
        IReadOnlyList<float[]> rows,
        int k,
        int seed,
        int restarts = DefaultRestarts,
        int maxIterations = DefaultMaxIterations)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("no rows", nameof(rows));
        }

        var dim = rows[0].Length;
        var flat = new float[rows.Count * dim];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != dim)
            {
                throw new ArgumentException($"row {i} has {rows[i].Length} values, row 0 has {dim}", nameof(rows));
            }

            rows[i].CopyTo(flat, i * dim);
        }

        return Fit(flat, rows.Count, dim, k, seed, restarts, maxIterations);
    }

    private static KMeansModel RunOnce(ReadOnlySpan<float> data, int n, int dim, int k, Random random, int maxIterations)
    {
        var centroids = SeedPlusPlus(data, n, dim, k, random);
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        var distances = new double[n];
        var sums = new double[k * dim];
        var counts = new int[k];
        var iterations = 0;

        while (iterations < maxIterations)
        {
            iterations++;
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var c = Nearest(data.Slice(i * dim, dim), centroids, out distances[i]);
                if (c != assignment[i])
                {
                    assignment[i] = c;
                    changed = true;
                }
            }

            // Centroids are already the means of these assignments (computed after the previous pass): converged.
            if (!changed)
            {
                break;
            }

            Array.Clear(sums);
            Array.Clear(counts);
            for (var i = 0; i < n; i++)
            {
                var c = assignment[i];
                counts[c]++;
                var row = data.Slice(i * dim, dim);
                for (var j = 0; j < dim; j++)
                {
                    sums[c * dim + j] += row[j];
                }
            }

            for (var c = 0; c < k; c++)
            {
                if (counts[c] == 0)
                {
                    ReseedEmpty(data, dim, centroids[c], distances);
                    continue;
                }

                for (var j = 0; j < dim; j++)
                {
                    centroids[c][j] = (float)(sums[c * dim + j] / counts[c]);
                }
            }
        }

        double inertia = 0;
        for (var i = 0; i < n; i++)
        {
            Nearest(data.Slice(i * dim, dim), centroids, out var d);
            inertia += d;
        }

        return new KMeansModel(centroids, inertia, iterations);
    }

    private static float[][] SeedPlusPlus(ReadOnlySpan<float> data, int n, int dim, int k, Random random)
    {
        var centroids = new float[k][];
        centroids[0] = data.Slice(random.Next(n) * dim, dim).ToArray();
        var d2 = new double[n];
        for (var i = 0; i < n; i++)
        {
            d2[i] = KMeansModel.SquaredDistance(data.Slice(i * dim, dim), centroids[0]);
        }

        for (var c = 1; c < k; c++)
        {
            var total = d2.Sum();
            int pick;
            if (!(total > 0))
            {
                // Every row sits on a chosen centre (duplicates): any row will do.
                pick = random.Next(n);
            }
            else
            {
                var target = random.NextDouble() * total;
                pick = n - 1;
                double cumulative = 0;
                for (var i = 0; i < n; i++)
                {
                    cumulative += d2[i];
                    if (cumulative > target && d2[i] > 0)
                    {
                        pick = i;
                        break;
                    }
                }
            }

            centroids[c] = data.Slice(pick * dim, dim).ToArray();
            for (var i = 0; i < n; i++)
            {
                d2[i] = Math.Min(d2[i], KMeansModel.SquaredDistance(data.Slice(i * dim, dim), centroids[c]));
            }
        }

        return centroids;
    }

    private static void ReseedEmpty(ReadOnlySpan<float> data, int dim, float[] centroid, double[] distances)
    {
        // The row worst served by its centroid moves to the empty cluster; its distance is zeroed so a second empty
        // cluster in the same pass takes the next one. The next assignment pass sees the change.
        var farthest = 0;
        for (var i = 1; i < distances.Length; i++)
        {
            if (distances[i] > distances[farthest])
            {
                farthest = i;
            }
        }

        data.Slice(farthest * dim, dim).CopyTo(centroid);
        distances[farthest] = 0;
    }

    private static int Nearest(ReadOnlySpan<float> row, float[][] centroids, out double squaredDistance)
    {
        var best = 0;
        squaredDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var d = KMeansModel.SquaredDistance(row, centroids[c]);
            if (d < squaredDistance)
            {
                squaredDistance = d;
                best = c;
            }
        }

        return best;
    }
}
