using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Internal;

/// <summary>
/// One post-LayerNorm BERT encoder layer, written from primitive ops so that
/// <c>OnnxExporter</c> can emit exactly the same computation node by node:
/// <c>x = LN(x + Dropout(Wo·Attention(x)))</c>, then <c>x = LN(x + Dropout(W2·GELU(W1·x)))</c>.
/// </summary>
internal sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear _query;
    private readonly Linear _key;
    private readonly Linear _value;
    private readonly Linear _output;
    private readonly LayerNorm _attentionNorm;
    private readonly Linear _feedForwardIn;
    private readonly Linear _feedForwardOut;
    private readonly LayerNorm _feedForwardNorm;
    private readonly double _dropout;

    // Held for the layer's life (see HeldScalars): sqrt of the head size, the attention scores' divisor.
    private readonly Scalar _scoreScale;

    public EncoderLayer(string name, int width, int heads, int feedForward, double dropout)
        : base(name)
    {
        Width = width;
        Heads = heads;
        _dropout = dropout;
        _scoreScale = MathF.Sqrt(HeadSize).ToScalar();
        _query = nn.Linear(width, width);
        _key = nn.Linear(width, width);
        _value = nn.Linear(width, width);
        _output = nn.Linear(width, width);
        _attentionNorm = nn.LayerNorm(width, ScoringModelConstants.LayerNormEpsilon);
        _feedForwardIn = nn.Linear(width, feedForward);
        _feedForwardOut = nn.Linear(feedForward, width);
        _feedForwardNorm = nn.LayerNorm(width, ScoringModelConstants.LayerNormEpsilon);
        RegisterComponents();
    }

    public int Width { get; }

    public int Heads { get; }

    public int HeadSize => Width / Heads;

    public Linear Query => _query;

    public Linear Key => _key;

    public Linear Value => _value;

    public Linear Output => _output;

    public LayerNorm AttentionNorm => _attentionNorm;

    public Linear FeedForwardIn => _feedForwardIn;

    public Linear FeedForwardOut => _feedForwardOut;

    public LayerNorm FeedForwardNorm => _feedForwardNorm;

    /// <param name="x">[B, S, D] hidden states.</param>
    /// <param name="maskBias">[B, 1, 1, S] additive key-padding bias: 0 for real keys, a large negative for padding.</param>
    public override Tensor forward(Tensor x, Tensor maskBias)
    {
        var batch = x.shape[0];
        var length = x.shape[1];

        // [B, S, D] -> [B, H, S, d]; keys go straight to [B, H, d, S] for the score product.
        var q = _query.forward(x).view(batch, length, Heads, HeadSize).permute(0, 2, 1, 3);
        var k = _key.forward(x).view(batch, length, Heads, HeadSize).permute(0, 2, 3, 1);
        var v = _value.forward(x).view(batch, length, Heads, HeadSize).permute(0, 2, 1, 3);

        var scores = q.matmul(k).div(_scoreScale).add(maskBias, alpha: HeldScalars.One);
        var weights = nn.functional.dropout(scores.softmax(-1), _dropout, training);
        var context = weights.matmul(v).permute(0, 2, 1, 3).reshape(batch, length, Width);

        var attended = nn.functional.dropout(_output.forward(context), _dropout, training);
        x = _attentionNorm.forward(x.add(attended, alpha: HeldScalars.One));

        var inner = nn.functional.gelu(_feedForwardIn.forward(x));
        var outer = nn.functional.dropout(_feedForwardOut.forward(inner), _dropout, training);
        return _feedForwardNorm.forward(x.add(outer, alpha: HeldScalars.One));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _scoreScale.Dispose();
        }

        base.Dispose(disposing);
    }
}
