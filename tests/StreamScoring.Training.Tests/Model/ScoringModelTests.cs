using System.ComponentModel.DataAnnotations;
using StreamScoring.Core.Features;
using StreamScoring.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Tests.Model;

[Collection(TorchTests.Name)]
public sealed class ScoringModelTests
{
    [Fact]
    public void Forward_Batch_ReturnsLogitsAndEmbeddingOfSpecShapes()
    {
        using var model = CreateSut();
        var data = SyntheticData.Create(5, seed: 1);
        using var scope = torch.NewDisposeScope();

        var (logits, embedding) = model.forward(
            torch.tensor(data.Tokens, [5, FeatureSpec.SequenceLength, FeatureSpec.TokenFieldCount]),
            torch.tensor(data.Mask, [5, FeatureSpec.SequenceLength]),
            torch.tensor(data.Aggregates, [5, FeatureSpec.AggregateCount]));

        Assert.Equal([5L, FeatureSpec.Heads.Count], logits.shape);
        Assert.Equal([5L, 24], embedding.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void Forward_PaddedTokensChanged_OutputUnchanged()
    {
        using var model = CreateSut();
        model.eval();
        var data = SyntheticData.Create(8, seed: 2);
        var changed = (long[])data.Tokens.Clone();
        var f = FeatureSpec.TokenFieldCount;
        for (var p = 0; p < data.Mask.Length; p++)
        {
            if (data.Mask[p] == 0)
            {
                changed[p * f] = FeatureSpec.FieldOffsets[0] + 3;
            }
        }

        var (before, _) = Trainer.Predict(model, data.Tokens, data.Mask, data.Aggregates);
        var (after, _) = Trainer.Predict(model, changed, data.Mask, data.Aggregates);

        Assert.Equal(before, after);
    }

    [Fact]
    public void Ctor_WidthNotMultipleOfHeads_Throws()
    {
        var options = new ScoringModelOptions { Width = 66, AttentionHeads = 4 };

        Assert.Throws<ValidationException>(() => new ScoringModel(options));
    }

    [Fact]
    public void Ctor_LayersOutOfRange_Throws()
    {
        Assert.Throws<ValidationException>(() => new ScoringModel(new ScoringModelOptions { Layers = 5 }));
    }

    private static ScoringModel CreateSut()
    {
        torch.manual_seed(7);
        return new ScoringModel(new ScoringModelOptions { EmbeddingSize = 24 });
    }
}
