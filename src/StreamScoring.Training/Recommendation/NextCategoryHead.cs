using System.ComponentModel.DataAnnotations;
using StreamScoring.Core.Features;
using StreamScoring.Training.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// The learnt next-category head over the FROZEN scoring encoder: softmax regression from the user embedding the
/// served model already computes, plus (optionally) a learnt transition row of the last event's category and a learnt
/// bonus for staying in it: <c>logits = embedding · W + b + T[last] + s · onehot(last)</c>. The bonus is one weight
/// for every category, so it carries to categories the training points never saw (most next events stay in the
/// category: "same category as last event" is the strongest baseline); after the fit it is folded into T's diagonal. Fitted by Adam on full-batch cross-entropy with an L2
/// penalty, from a fixed seed; the embedding is standardised with the training points' mean and spread, folded into
/// <see cref="Weight"/> and <see cref="Bias"/> after the fit, so what is exported reads the raw embedding.
/// </summary>
/// <remarks>
/// The encoder stays as trained for the risk heads, so attaching the head changes no fraud, churn or conversion
/// score. Every setting is a default chosen before the evaluation ran; nothing is tuned on held-out points.
/// </remarks>
public sealed class NextCategoryHead : INextCategoryRanker
{
    private static readonly int Buckets = FeatureSpec.CategoryBuckets;
    private static readonly int CategoryIds = FeatureSpec.FieldSizes[(int)TokenField.Category];

    /// <summary>A head with the given parts.</summary>
    /// <param name="useEmbedding">Read the user embedding (off: transitions and bias only).</param>
    /// <param name="useTransition">Add the learnt transition row of the last category.</param>
    /// <param name="steps">Full-batch Adam steps.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="l2">L2 penalty on W and T (per weight, added to the mean cross-entropy).</param>
    /// <param name="seed">Torch seed (the fit is deterministic on one thread).</param>
    public NextCategoryHead(bool useEmbedding = true, bool useTransition = true, int steps = 300, double learningRate = 0.05, double l2 = 1e-4, int seed = 20261207)
    {
        if (!useEmbedding && !useTransition)
        {
            throw new ValidationException("A next-category head needs the embedding, the transitions or both.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        UseEmbedding = useEmbedding;
        UseTransition = useTransition;
        Steps = steps;
        LearningRate = learningRate;
        L2 = l2;
        Seed = seed;
    }

    /// <summary>Whether the head reads the user embedding.</summary>
    public bool UseEmbedding { get; }

    /// <summary>Whether the head adds a transition row of the last category.</summary>
    public bool UseTransition { get; }

    /// <summary>Adam steps of a fit.</summary>
    public int Steps { get; }

    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>The L2 penalty.</summary>
    public double L2 { get; }

    /// <summary>The torch seed.</summary>
    public int Seed { get; }

    /// <inheritdoc />
    public string Name => (UseEmbedding, UseTransition) switch
    {
        (true, true) => "head: encoder embedding + transitions",
        (true, false) => "head: encoder embedding only",
        _ => "head: transitions only (learnt)",
    };

    /// <summary>Embedding size of the last fit (0 before one).</summary>
    public int EmbeddingSize { get; private set; }

    /// <summary>E × buckets weights on the raw embedding, row-major (zeros without the embedding).</summary>
    public float[] Weight { get; private set; } = [];

    /// <summary>Bias per bucket.</summary>
    public float[] Bias { get; private set; } = [];

    /// <summary>256 × buckets transition rows by token category id (zeros without transitions).</summary>
    public float[] Transition { get; private set; } = [];

    /// <summary>The learnt bonus for the last event's own category (already inside <see cref="Transition"/>'s diagonal).</summary>
    public float StayBonus { get; private set; }

    /// <summary>Mean cross-entropy on the training points after the last step (NaN before a fit).</summary>
    public double TrainingLoss { get; private set; } = double.NaN;

    /// <inheritdoc />
    public void Fit(NextCategoryPoints points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            throw new ArgumentException("No points to fit the next-category head on.", nameof(points));
        }

        var n = points.Count;
        var e = points.EmbeddingSize;
        var (mean, scale) = Standardisation(points);
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(Seed);
        var x = torch.tensor(points.Embeddings, ScalarType.Float32).reshape(n, e);
        x = x.sub(torch.tensor(mean)).div(torch.tensor(scale));
        var last = torch.tensor(points.LastCategory.Select(c => (long)c).ToArray(), ScalarType.Int64);
        var target = torch.tensor(points.Target.Select(t => (long)t).ToArray(), ScalarType.Int64);

        var w = new TorchSharp.Modules.Parameter(torch.zeros(e, Buckets));
        var b = new TorchSharp.Modules.Parameter(torch.zeros(Buckets));
        var t = new TorchSharp.Modules.Parameter(torch.zeros(CategoryIds, Buckets));
        var stay = new TorchSharp.Modules.Parameter(torch.zeros(1));
        var same = torch.tensor(SameCategory(points), ScalarType.Float32).reshape(n, Buckets);
        List<TorchSharp.Modules.Parameter> parameters = [b];
        if (UseEmbedding)
        {
            parameters.Add(w);
        }

        if (UseTransition)
        {
            parameters.Add(t);
            parameters.Add(stay);
        }

        using var optimizer = new AdamOptimizer(parameters, LearningRate);
        using var l2 = L2.ToScalar();
        for (var step = 0; step < Steps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.ZeroGrad();
            var logits = b.expand(n, Buckets);
            var penalty = torch.zeros(1);
            if (UseEmbedding)
            {
                logits = logits.add(x.matmul(w), alpha: HeldScalars.One);
                penalty = penalty.add(w.mul(w).sum(), alpha: HeldScalars.One);
            }

            if (UseTransition)
            {
                logits = logits.add(t.index_select(0, last), alpha: HeldScalars.One).add(same.mul(stay), alpha: HeldScalars.One);
                penalty = penalty.add(t.mul(t).sum(), alpha: HeldScalars.One);
            }

            var crossEntropy = nn.functional.cross_entropy(logits, target);
            var loss = crossEntropy.add(penalty.mul(l2), alpha: HeldScalars.One);
            loss.backward();
            optimizer.Step();
            TrainingLoss = crossEntropy.item<float>();
        }

        EmbeddingSize = e;
        Fold(w.detach().data<float>().ToArray(), b.detach().data<float>().ToArray(), mean, scale, e);
        var transition = t.detach().data<float>().ToArray();
        StayBonus = UseTransition ? stay.detach().item<float>() : 0f;
        for (var id = 2; id < CategoryIds; id++)
        {
            transition[(id * Buckets) + id - 2] += StayBonus;
        }

        Transition = transition;
    }

    /// <inheritdoc />
    public void Score(NextCategoryPoints points, int row, Span<double> scores)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (Bias.Length == 0)
        {
            throw new InvalidOperationException("Fit the next-category head before scoring.");
        }

        Logits(points.Embeddings.AsSpan(row * points.EmbeddingSize, points.EmbeddingSize), points.LastCategory[row], scores);
    }

    /// <summary>The head's logits for one embedding and last category id: what the exported graph computes before its softmax.</summary>
    public void Logits(ReadOnlySpan<float> embedding, int lastCategory, Span<double> logits)
    {
        if (embedding.Length != EmbeddingSize)
        {
            throw new ArgumentException($"The head was fitted on embeddings of {EmbeddingSize} values, not {embedding.Length}.", nameof(embedding));
        }

        for (var c = 0; c < Buckets; c++)
        {
            logits[c] = Bias[c] + Transition[(lastCategory * Buckets) + c];
        }

        for (var j = 0; j < EmbeddingSize; j++)
        {
            var value = embedding[j];
            var row = Weight.AsSpan(j * Buckets, Buckets);
            for (var c = 0; c < Buckets; c++)
            {
                logits[c] += value * row[c];
            }
        }
    }

    // The standardised embedding z = (x - mean) / scale, so z·W + b = x·(W / scale) + (b - (mean / scale)·W).
    private void Fold(float[] w, float[] b, float[] mean, float[] scale, int e)
    {
        var weight = new float[e * Buckets];
        var bias = (float[])b.Clone();
        for (var j = 0; j < e; j++)
        {
            for (var c = 0; c < Buckets; c++)
            {
                var v = w[(j * Buckets) + c];
                weight[(j * Buckets) + c] = v / scale[j];
                bias[c] -= mean[j] / scale[j] * v;
            }
        }

        Weight = weight;
        Bias = bias;
    }

    // Row i has a 1 at the bucket of its last event's category (none when that event had no category).
    private static float[] SameCategory(NextCategoryPoints points)
    {
        var same = new float[points.Count * Buckets];
        for (var i = 0; i < points.Count; i++)
        {
            if (points.LastBucket(i) is var bucket and >= 0)
            {
                same[(i * Buckets) + bucket] = 1f;
            }
        }

        return same;
    }

    private static (float[] Mean, float[] Scale) Standardisation(NextCategoryPoints points)
    {
        var e = points.EmbeddingSize;
        var mean = new double[e];
        var square = new double[e];
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = 0; j < e; j++)
            {
                double v = points.Embeddings[(i * e) + j];
                mean[j] += v;
                square[j] += v * v;
            }
        }

        var m = new float[e];
        var s = new float[e];
        for (var j = 0; j < e; j++)
        {
            m[j] = (float)(mean[j] / points.Count);
            var variance = (square[j] / points.Count) - (m[j] * (double)m[j]);

            // A constant dimension keeps scale 1: it then only shifts the bias.
            s[j] = variance > 1e-12 ? (float)Math.Sqrt(variance) : 1f;
        }

        return (m, s);
    }
}
