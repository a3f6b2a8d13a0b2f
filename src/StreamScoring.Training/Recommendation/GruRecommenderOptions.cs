using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// Settings of a <see cref="GruRecommender"/>. The defaults were chosen before the model was evaluated on the real
/// sessions and are not tuned on held-out folds; each change tried since is recorded in docs/model-experiments.md.
/// </summary>
public sealed class GruRecommenderOptions
{
    /// <summary>Seed of the weights, dropout, the batch order and the unknown-token draws. Default 20.</summary>
    public int Seed { get; set; } = 20;

    /// <summary>Passes over the training sessions. Default 15.</summary>
    [Range(1, 10_000)]
    public int Epochs { get; set; } = 15;

    /// <summary>Embedding and hidden size. Default 64.</summary>
    [Range(1, 4096)]
    public int Dimension { get; set; } = 64;

    /// <summary>Sessions (pieces of at most <see cref="MaxLength"/> inputs) per Adam step. Default 32.</summary>
    [Range(1, 65_536)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Adam's learning rate. Default 0.005.</summary>
    [Range(1e-7, 1.0)]
    public double LearningRate { get; set; } = 0.005;

    /// <summary>Dropout on the step inputs (item + category embedding). Default 0.25.</summary>
    [Range(0.0, 0.95)]
    public double Dropout { get; set; } = 0.25;

    /// <summary>
    /// The longest sequence the GRU reads: longer training sessions are cut into pieces, a prefix keeps its latest
    /// items. Default 50.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxLength { get; set; } = 50;

    /// <summary>
    /// Training occurrences an item needs to be in the vocabulary; rarer items read as the unknown token (their
    /// category still counts), are never a training target and are never recommended by the network (popularity
    /// may still list them). Default 1: every training item.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinItemCount { get; set; } = 1;

    /// <summary>Cap of the unknown-token rate, so that the network still learns from the items themselves. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public double MaxUnknownRate { get; set; } = 0.5;

    /// <summary>Throws <see cref="ValidationException"/> naming the first property out of range.</summary>
    public void Validate() => Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
}
