using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Training.Model;

/// <summary>
/// Architecture of a <see cref="ScoringModel"/>: a small post-LayerNorm BERT encoder over the
/// token sequence whose [CLS] output is joined with the aggregates and projected to a user embedding.
/// </summary>
public sealed class ScoringModelOptions
{
    /// <summary>Hidden width D of the encoder. Default 64; 64..128 and a multiple of <see cref="AttentionHeads"/>.</summary>
    [Range(64, 128)]
    public int Width { get; set; } = 64;

    /// <summary>Number of encoder layers. Default 2; 2..4.</summary>
    [Range(2, 4)]
    public int Layers { get; set; } = 2;

    /// <summary>Attention heads per layer. Default 4; must divide <see cref="Width"/>.</summary>
    [Range(1, 16)]
    public int AttentionHeads { get; set; } = 4;

    /// <summary>Inner size of the feed-forward block. Default <c>null</c>: 4 × <see cref="Width"/>.</summary>
    [Range(1, 4096)]
    public int? FeedForwardSize { get; set; }

    /// <summary>Hidden size H of the projection from [CLS] + aggregates to the embedding. Default <c>null</c>: <see cref="Width"/>.</summary>
    [Range(1, 4096)]
    public int? ProjectionSize { get; set; }

    /// <summary>Size E of the user embedding (the <c>user_embedding</c> output). Default 32.</summary>
    [Range(2, 1024)]
    public int EmbeddingSize { get; set; } = 32;

    /// <summary>Dropout probability in the encoder (embeddings, attention weights, residual branches). Default 0.1.</summary>
    [Range(0.0, 0.9)]
    public double Dropout { get; set; } = 0.1;

    /// <summary>The feed-forward size in effect.</summary>
    public int EffectiveFeedForwardSize => FeedForwardSize ?? 4 * Width;

    /// <summary>The projection size in effect.</summary>
    public int EffectiveProjectionSize => ProjectionSize ?? Width;

    /// <summary>Throws <see cref="ValidationException"/> naming the first property out of range.</summary>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (Width % AttentionHeads != 0)
        {
            throw new ValidationException($"{nameof(Width)} ({Width}) must be a multiple of {nameof(AttentionHeads)} ({AttentionHeads}).");
        }
    }

    /// <summary>A copy, so a model keeps the options it was built with.</summary>
    public ScoringModelOptions Clone() => (ScoringModelOptions)MemberwiseClone();
}
