using StreamScoring.Training.Segments;

namespace StreamScoring.Training.Tests.Segments;

public class KMeansTests
{
    private static readonly float[][] BlobCentres = [[0f, 0f], [10f, 10f], [-10f, 10f]];

    /// <summary>Three Gaussian blobs (σ = 0.5) of <paramref name="perBlob"/> points each, blob-major.</summary>
    private static float[] Blobs(int perBlob, int seed)
    {
        var random = new Random(seed);
        var data = new float[BlobCentres.Length * perBlob * 2];
        var i = 0;
        foreach (var centre in BlobCentres)
        {
            for (var p = 0; p < perBlob; p++)
            {
                data[i++] = centre[0] + (float)(0.5 * Gaussian(random));
                data[i++] = centre[1] + (float)(0.5 * Gaussian(random));
            }
        }

        return data;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Fit_ThreeSeparatedBlobs_RecoversThemExactly()
    {
        const int perBlob = 100;
        var data = Blobs(perBlob, seed: 1);

        var model = KMeans.Fit(data, BlobCentres.Length * perBlob, 2, k: 3, seed: 42);
        var assignment = model.AssignAll(data, BlobCentres.Length * perBlob);

        var clusterOfBlob = new HashSet<int>();
        for (var b = 0; b < BlobCentres.Length; b++)
        {
            var labels = assignment.Skip(b * perBlob).Take(perBlob).Distinct().ToArray();
            Assert.Single(labels);
            clusterOfBlob.Add(labels[0]);
            var centroid = model.Centroids[labels[0]];
            Assert.InRange(centroid[0], BlobCentres[b][0] - 0.25f, BlobCentres[b][0] + 0.25f);
            Assert.InRange(centroid[1], BlobCentres[b][1] - 0.25f, BlobCentres[b][1] + 0.25f);
        }

        Assert.Equal(3, clusterOfBlob.Count);
        // 300 points of 2 dims with variance 0.25 each: inertia near 300 * 0.5.
        Assert.InRange(model.Inertia, 100, 200);
    }

    [Fact]
    public void Fit_SameSeed_GivesIdenticalModels()
    {
        var data = Blobs(50, seed: 3);

        var a = KMeans.Fit(data, 150, 2, k: 4, seed: 7);
        var b = KMeans.Fit(data, 150, 2, k: 4, seed: 7);

        Assert.Equal(a.Inertia, b.Inertia);
        for (var c = 0; c < a.K; c++)
        {
            Assert.Equal(a.Centroids[c], b.Centroids[c]);
        }
    }

    [Fact]
    public void Fit_JaggedRows_MatchesFlatBuffer()
    {
        var data = Blobs(30, seed: 5);
        var rows = Enumerable.Range(0, 90).Select(i => data.AsSpan(i * 2, 2).ToArray()).ToArray();

        var flat = KMeans.Fit(data, 90, 2, k: 3, seed: 11);
        var jagged = KMeans.Fit(rows, k: 3, seed: 11);

        Assert.Equal(flat.Inertia, jagged.Inertia);
        Assert.Equal(flat.Centroids[0], jagged.Centroids[0]);
    }

    [Fact]
    public void Fit_Inertia_IsSumOfSquaredDistancesToAssignedCentroid()
    {
        var data = Blobs(20, seed: 9);
        var model = KMeans.Fit(data, 60, 2, k: 3, seed: 1);

        double expected = 0;
        for (var i = 0; i < 60; i++)
        {
            var c = model.Centroids[model.Assign(data.AsSpan(i * 2, 2))];
            expected += Math.Pow(data[i * 2] - c[0], 2) + Math.Pow(data[i * 2 + 1] - c[1], 2);
        }

        Assert.Equal(expected, model.Inertia, 1e-6);
    }

    [Fact]
    public void Fit_KEqualsN_PutsEveryPointOnItsOwnCentroid()
    {
        float[] data = [0, 0, 1, 1, 5, 5, 9, 0];

        var model = KMeans.Fit(data, 4, 2, k: 4, seed: 0);

        Assert.Equal(0, model.Inertia, 1e-12);
        Assert.Equal(4, model.AssignAll(data, 4).Distinct().Count());
    }

    [Fact]
    public void Fit_AllPointsIdentical_DoesNotThrow()
    {
        var data = Enumerable.Repeat(3f, 20).ToArray();

        var model = KMeans.Fit(data, 10, 2, k: 3, seed: 0);

        Assert.Equal(0, model.Inertia, 1e-12);
    }

    [Theory]
    [InlineData(5, 2, 6)] // k > n
    [InlineData(5, 2, 0)] // k < 1
    public void Fit_BadK_Throws(int n, int dim, int k) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KMeans.Fit(new float[n * dim], n, dim, k, seed: 0));

    [Fact]
    public void Fit_DataLengthMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => KMeans.Fit(new float[7], 4, 2, 2, seed: 0));

    [Fact]
    public void Assign_Vector_ReturnsNearestCentroidAndLowestIndexOnTie()
    {
        var model = new KMeansModel([[0f, 0f], [5f, 5f], [0f, 10f]]);

        Assert.Equal(0, model.Assign([1f, 1f]));
        Assert.Equal(1, model.Assign([4f, 4.5f]));
        Assert.Equal(2, model.Assign([0f, 8f]));
        Assert.Equal(0, model.Assign([2.5f, 2.5f]));
        Assert.Equal([0, 1, 2], model.AssignAll([0.1f, 0f, 5f, 5.2f, -1f, 11f], 3));
    }

    [Fact]
    public void Assign_WrongLength_Throws() =>
        Assert.Throws<ArgumentException>(() => new KMeansModel([[0f, 0f]]).Assign([1f]));
}
