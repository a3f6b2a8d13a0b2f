using StreamScoring.Core.Features;
using StreamScoring.Training.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Model;

/// <summary>
/// The scoring network: a small BERT-style encoder over the event tokens whose [CLS] output,
/// joined with the aggregate vector, becomes a user embedding from which three heads
/// (<see cref="FeatureSpec.Heads"/>) predict logits.
/// </summary>
/// <remarks>
/// Inputs follow <see cref="FeatureSpec"/>: <c>tokens</c> int64 [B, S, F] (ids already offset into one
/// shared vocabulary), <c>mask</c> float [B, S] (1 real, 0 padding; position 0 is [CLS]) and
/// <c>aggregates</c> float [B, A]. <see cref="Onnx.OnnxExporter"/> mirrors <c>forward</c> op by op
/// and adds the sigmoid that turns logits into scores.
/// </remarks>
public sealed class ScoringModel : nn.Module<Tensor, Tensor, Tensor, (Tensor Logits, Tensor Embedding)>
{
    private readonly Embedding _tokenEmbedding;
    private readonly Parameter _positionEmbedding;
    private readonly LayerNorm _embeddingNorm;
    private readonly ModuleList<EncoderLayer> _layers;
    private readonly Linear _projectionIn;
    private readonly Linear _projectionOut;
    private readonly Linear _heads;
    private readonly double _dropout;

    /// <summary>Builds a model with freshly initialised weights (seed with <c>torch.manual_seed</c> first for reproducibility).</summary>
    /// <param name="options">Architecture; <c>null</c> for the defaults. Validated and copied.</param>
    public ScoringModel(ScoringModelOptions? options = null)
        : base(nameof(ScoringModel))
    {
        Options = (options ?? new ScoringModelOptions()).Clone();
        Options.Validate();
        var width = Options.Width;
        _dropout = Options.Dropout;

        _tokenEmbedding = nn.Embedding(FeatureSpec.VocabularySize, width);
        _positionEmbedding = new Parameter(torch.empty(FeatureSpec.SequenceLength, width));
        _embeddingNorm = nn.LayerNorm(width, ScoringModelConstants.LayerNormEpsilon);
        _layers = new ModuleList<EncoderLayer>();
        for (var i = 0; i < Options.Layers; i++)
        {
            _layers.Add(new EncoderLayer($"layer{i}", width, Options.AttentionHeads, Options.EffectiveFeedForwardSize, _dropout));
        }

        _projectionIn = nn.Linear(width + FeatureSpec.AggregateCount, Options.EffectiveProjectionSize);
        _projectionOut = nn.Linear(Options.EffectiveProjectionSize, Options.EmbeddingSize);
        _heads = nn.Linear(Options.EmbeddingSize, FeatureSpec.Heads.Count);

        // BERT's initialiser for lookup tables; Linear layers keep TorchSharp's default (Kaiming uniform).
        using (torch.no_grad())
        {
            nn.init.normal_(_tokenEmbedding.weight, 0, 0.02);
            nn.init.normal_(_positionEmbedding, 0, 0.02);
        }

        RegisterComponents();
    }

    /// <summary>The architecture this model was built with (a private copy: do not mutate).</summary>
    public ScoringModelOptions Options { get; }

    /// <summary>Size E of the user embedding.</summary>
    public int EmbeddingSize => Options.EmbeddingSize;

    internal Embedding TokenEmbedding => _tokenEmbedding;

    internal Parameter PositionEmbedding => _positionEmbedding;

    internal LayerNorm EmbeddingNorm => _embeddingNorm;

    internal IReadOnlyList<EncoderLayer> Layers => [.. _layers];

    internal Linear ProjectionIn => _projectionIn;

    internal Linear ProjectionOut => _projectionOut;

    internal Linear Heads => _heads;

    /// <summary>Runs the network.</summary>
    /// <param name="tokens">int64 [B, S, F] token ids, already offset.</param>
    /// <param name="mask">float [B, S]: 1 for a real position, 0 for padding.</param>
    /// <param name="aggregates">float [B, A] normalised aggregates.</param>
    /// <returns>Head logits [B, 3] (in <see cref="FeatureSpec.Heads"/> order) and the user embedding [B, E].</returns>
    public override (Tensor Logits, Tensor Embedding) forward(Tensor tokens, Tensor mask, Tensor aggregates)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(aggregates);

        // One table for every field: a lookup per field summed over the field axis.
        var x = _tokenEmbedding.forward(tokens).sum(2).add(_positionEmbedding, alpha: HeldScalars.One);
        x = nn.functional.dropout(_embeddingNorm.forward(x), _dropout, training);

        // [B, S] -> [B, 1, 1, S]: broadcast over heads and query positions.
        var maskBias = mask.neg().add(HeldScalars.One, alpha: HeldScalars.One).mul(HeldScalars.MaskBias).unsqueeze(1).unsqueeze(2);
        foreach (var layer in _layers)
        {
            x = layer.forward(x, maskBias);
        }

        var cls = x.select(1, 0);
        var joined = torch.cat([cls, aggregates], 1);
        var embedding = _projectionOut.forward(nn.functional.gelu(_projectionIn.forward(joined)));
        var logits = _heads.forward(embedding);
        return (logits, embedding);
    }
}
