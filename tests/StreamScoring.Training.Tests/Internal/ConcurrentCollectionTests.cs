using StreamScoring.Training.Model;
using StreamScoring.Training.Recommendation;
using StreamScoring.Training.Tests.Model;
using StreamScoring.Training.Tests.Recommendation;

namespace StreamScoring.Training.Tests.Internal;

/// <summary>
/// Training while another thread collects garbage and runs finalizers in a loop. A number handed to torch as a
/// temporary Scalar can be freed by its finalizer mid-call (see HeldScalars): TorchSharp's own Adam failed here
/// within about a second, and a training test about one run in nine without the loop.
/// </summary>
[Collection(TorchTests.Name)]
public sealed class ConcurrentCollectionTests
{
    [Fact]
    public void NextCategoryHead_FitsWhileAnotherThreadCollects()
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 200).Select(_ => (Last: random.Next(2, 40), Target: random.Next(0, 38))).ToArray();
        var embeddings = rows.Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        var points = NextCategoryPointsFactory.WithEmbeddings(8, embeddings, rows);
        var head = new NextCategoryHead(steps: 1500);

        using (new Collector())
        {
            head.Fit(points);
        }

        Assert.True(double.IsFinite(head.TrainingLoss));
    }

    [Fact]
    public void Trainer_TrainsWhileAnotherThreadCollects()
    {
        var data = SyntheticData.Create(400, seed: 3, users: 100);
        var options = new TrainerOptions { Epochs = 6, BatchSize = 32, Seed = 5, Threads = 1, ValidationFraction = 0 };

        TrainingResult trained;
        using (new Collector())
        {
            trained = new Trainer(options).Train(data, new ScoringModelOptions { EmbeddingSize = 16 });
        }

        using var model = trained.Model;
        Assert.All(trained.Epochs, epoch => Assert.True(double.IsFinite(epoch.TrainLoss)));
    }

    [Fact]
    public void GruRecommender_FitsWhileAnotherThreadCollects()
    {
        var sessions = Enumerable.Range(0, 60)
            .Select(s => Sessions.Of("c" + s, string.Join(' ', Enumerable.Range(0, 6).Select(t => "i" + ((s + t) % 10)))))
            .ToArray();
        using var gru = new GruRecommender(new GruRecommenderOptions { Seed = 20, Epochs = 40, Dimension = 16, BatchSize = 8, LearningRate = 0.01 });

        using (new Collector())
        {
            gru.Fit(sessions);
        }

        Assert.True(double.IsFinite(gru.LastEpochLoss));
    }

    /// <summary>A thread that allocates, collects and waits for finalizers until disposed.</summary>
    private sealed class Collector : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public Collector()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    GC.KeepAlive(new byte[1024]);
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            })
            { IsBackground = true, Name = "collector" };
            _thread.Start();
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
