using StreamScoring.Core.Features;
using StreamScoring.Training.Model;
using TorchSharp;

namespace StreamScoring.Training.Tests.Model;

[Collection(TorchTests.Name)]
public sealed class TrainerTests
{
    [Fact]
    public void MaskedLoss_UnknownLabelChanged_LossUnchanged()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[] { 0.3f, -1.2f, 2.0f, -0.4f, 0.9f, 0.1f }, [2, 3]);
        var labelMask = torch.tensor(new float[] { 1, 0, 1, 1, 1, 0 }, [2, 3]);
        var weights = torch.tensor(new float[] { 3, 1, 2 });
        var labels = torch.tensor(new float[] { 1, 0, 0, 0, 1, 1 }, [2, 3]);
        var relabelled = torch.tensor(new float[] { 1, 1, 0, 0, 1, float.NaN }, [2, 3]);

        var before = Trainer.MaskedLoss(logits, labels, labelMask, weights).Total.item<float>();
        var after = Trainer.MaskedLoss(logits, relabelled, labelMask, weights).Total.item<float>();

        Assert.Equal(before, after);
        Assert.True(float.IsFinite(after));
    }

    [Fact]
    public void MaskedLoss_KnownLabelChanged_LossChanges()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new float[] { 0.3f, -1.2f, 2.0f }, [1, 3]);
        var labelMask = torch.ones(1, 3);
        var weights = torch.ones(3);

        var zeros = Trainer.MaskedLoss(logits, torch.zeros(1, 3), labelMask, weights).Total.item<float>();
        var ones = Trainer.MaskedLoss(logits, torch.ones(1, 3), labelMask, weights).Total.item<float>();

        Assert.NotEqual(zeros, ones);
    }

    [Fact]
    public void MaskedLoss_HeadWithoutKnownLabels_AveragesOverOtherHeads()
    {
        using var scope = torch.NewDisposeScope();
        var logits = torch.zeros(2, 3);
        var labels = torch.zeros(2, 3);
        var labelMask = torch.tensor(new float[] { 1, 1, 0, 1, 1, 0 }, [2, 3]);

        var loss = Trainer.MaskedLoss(logits, labels, labelMask, torch.ones(3)).Total.item<float>();

        Assert.Equal(MathF.Log(2), loss, 1e-6f);
    }

    [Fact]
    public void PositiveWeights_RarePositives_NegativesOverPositivesCapped()
    {
        var data = SyntheticData.Create(200, seed: 3, unknownLabelRate: 0);
        Array.Clear(data.Labels);
        data.Labels[0] = 1; // fraud: 1 positive in 200 -> 199, capped at 20
        for (var i = 0; i < 50; i++)
        {
            data.Labels[i * 3 + 1] = 1; // churn: 50 of 200 -> 3
        }

        var weights = Trainer.PositiveWeights(data, Enumerable.Range(0, 200).ToArray(), cap: 20);

        Assert.Equal([20f, 3f, 1f], weights);
    }

    [Fact]
    public void SplitByGroup_Seeded_DisjointGroupsAndRepeatable()
    {
        var groups = Enumerable.Range(0, 1000).Select(i => (long)(i % 37)).ToArray();

        var (train, validation) = Trainer.SplitByGroup(groups, 0.2, seed: 5);
        var (train2, validation2) = Trainer.SplitByGroup(groups, 0.2, seed: 5);

        Assert.Equal(1000, train.Length + validation.Length);
        Assert.Empty(train.Select(i => groups[i]).Intersect(validation.Select(i => groups[i])));
        Assert.Equal(7, validation.Select(i => groups[i]).Distinct().Count());
        Assert.Equal(train, train2);
        Assert.Equal(validation, validation2);
    }

    [Fact]
    public void Train_SeparableSet_ValidationLossDecreases()
    {
        var data = SyntheticData.Create(512, seed: 11);
        var reports = new List<TrainingProgress>();
        var sut = CreateSut(new TrainerOptions { Epochs = 5, BatchSize = 64, LearningRate = 2e-3, Patience = 10, ProgressInterval = 5, Threads = 1 }, reports);

        var result = sut.Train(data, SmallModel());

        Assert.Equal(TrainingStopReason.Completed, result.StopReason);
        Assert.True(result.Epochs[^1].TrainLoss < result.Epochs[0].TrainLoss * 0.9, $"train loss {result.Epochs[0].TrainLoss} -> {result.Epochs[^1].TrainLoss}");
        Assert.True(result.BestValidationLoss < result.Epochs[0].ValidationLoss, $"val loss {result.Epochs[0].ValidationLoss} -> best {result.BestValidationLoss}");
        Assert.Contains(reports, r => !r.IsEpochEnd);
        Assert.All(result.Epochs, e => Assert.Equal(FeatureSpec.Heads.Count, e.HeadValidationLoss!.Count));
        Assert.True(result.ValidationCount > 0);
    }

    [Fact]
    public void Train_SameSeedTwice_IdenticalLossesAndPredictions()
    {
        var data = SyntheticData.Create(256, seed: 12);
        var options = new TrainerOptions { Epochs = 2, BatchSize = 64, Seed = 99, Threads = 1 };

        var first = CreateSut(options).Train(data, SmallModel());
        var second = CreateSut(options).Train(data, SmallModel());

        Assert.Equal(first.Epochs.Select(e => e.TrainLoss), second.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(first.Epochs.Select(e => e.ValidationLoss), second.Epochs.Select(e => e.ValidationLoss));
        var (p1, e1) = Trainer.Predict(first.Model, data);
        var (p2, e2) = Trainer.Predict(second.Model, data);
        Assert.Equal(p1, p2);
        Assert.Equal(e1, e2);
        first.Model.Dispose();
        second.Model.Dispose();
    }

    [Fact]
    public void Train_ZeroTimeBudget_StopsAfterFirstStepKeepingModel()
    {
        var data = SyntheticData.Create(256, seed: 13);
        var sut = CreateSut(new TrainerOptions { Epochs = 5, BatchSize = 32, MaxDuration = TimeSpan.Zero, Threads = 1 });

        var result = sut.Train(data, SmallModel());

        Assert.Equal(TrainingStopReason.TimeBudget, result.StopReason);
        Assert.Equal(1, result.Epochs[0].Step);
        Assert.Equal(1, result.BestEpoch);
    }

    [Fact]
    public void Predict_Batched_SameAsOneBatchAndProbabilities()
    {
        var data = SyntheticData.Create(50, seed: 14);
        torch.manual_seed(1);
        using var model = new ScoringModel(SmallModel());

        var (small, smallEmbeddings) = Trainer.Predict(model, data, batchSize: 7);
        var (whole, wholeEmbeddings) = Trainer.Predict(model, data, batchSize: 64);

        Assert.Equal(50 * 3, small.Length);
        Assert.Equal(50 * 16, smallEmbeddings.Length);
        Assert.All(small, p => Assert.InRange(p, 0f, 1f));
        for (var i = 0; i < small.Length; i++)
        {
            Assert.Equal(whole[i], small[i], 1e-5f);
        }

        for (var i = 0; i < smallEmbeddings.Length; i++)
        {
            Assert.Equal(wholeEmbeddings[i], smallEmbeddings[i], 1e-4f);
        }
    }

    private static ScoringModelOptions SmallModel() => new() { EmbeddingSize = 16 };

    private static Trainer CreateSut(TrainerOptions options, List<TrainingProgress>? reports = null) =>
        new(options, reports is null ? null : new SyncProgress(reports));

    /// <summary>Records reports on the calling thread (<see cref="Progress{T}"/> would post them to the pool).</summary>
    private sealed class SyncProgress(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
