using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Model;

/// <summary>
/// The trainer's auxiliary next-category objective (<see cref="TrainerOptions.NextCategoryWeight"/>): a linear
/// softmax from the user embedding over the category buckets, its cross-entropy on the samples whose next category
/// is known, times the weight. Lives only during training.
/// </summary>
internal sealed class NextCategoryAuxiliary(Linear layer, double weight) : IDisposable
{
    /// <summary>The layer (its parameters train with the model's).</summary>
    public Linear Layer { get; } = layer;

    private readonly Scalar _weight = weight.ToScalar();

    /// <summary>The weighted loss of a batch; 0 when none of its samples has a next category.</summary>
    public Tensor Loss(Tensor embedding, long[] targets, ReadOnlySpan<int> batch)
    {
        var picked = new long[batch.Length];
        var known = false;
        for (var i = 0; i < batch.Length; i++)
        {
            picked[i] = targets[batch[i]];
            known |= picked[i] >= 0;
        }

        if (!known)
        {
            return zeros(1).squeeze();
        }

        var logits = Layer.forward(embedding);
        return nn.functional.cross_entropy(logits, tensor(picked, ScalarType.Int64), ignore_index: -1).mul(_weight);
    }

    public void Dispose()
    {
        Layer.Dispose();
        _weight.Dispose();
    }
}
