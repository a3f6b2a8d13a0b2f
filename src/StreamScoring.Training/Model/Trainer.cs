using StreamScoring.Core.Features;
using StreamScoring.Training.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Model;

/// <summary>
/// Trains a <see cref="ScoringModel"/> on an in-memory <see cref="TrainingSet"/>: masked,
/// class-weighted binary cross-entropy per head, AdamW, seeded shuffling, a validation split by
/// group (user) and early stopping that keeps the best weights.
/// </summary>
/// <remarks>
/// Runs are reproducible: the same seed, data and thread count give the same losses and weights.
/// The trainer sets torch's global seed and CPU thread count, so run one training at a time per process.
/// </remarks>
public sealed class Trainer
{
    private readonly TrainerOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;
    private readonly TimeProvider _time;

    /// <summary>Creates a trainer.</summary>
    /// <param name="options">Optimisation settings; <c>null</c> for the defaults. Validated.</param>
    /// <param name="progress">Receives a report every <see cref="TrainerOptions.ProgressInterval"/> steps and at every epoch's end.</param>
    /// <param name="timeProvider">Clock of <see cref="TrainerOptions.MaxDuration"/> and the elapsed times; default the system clock.</param>
    public Trainer(TrainerOptions? options = null, IProgress<TrainingProgress>? progress = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new TrainerOptions();
        _options.Validate();
        _progress = progress;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Builds a model from <paramref name="modelOptions"/> with seeded initial weights and trains it.</summary>
    public TrainingResult Train(TrainingSet data, ScoringModelOptions? modelOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ConfigureTorch();
        var model = new ScoringModel(modelOptions);
        return TrainCore(model, data, cancellationToken);
    }

    /// <summary>Continues training an existing model (its weights are updated in place).</summary>
    public TrainingResult Train(ScoringModel model, TrainingSet data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ConfigureTorch();
        return TrainCore(model, data, cancellationToken);
    }

    /// <summary>Scores every sample of <paramref name="data"/> in eval mode.</summary>
    /// <returns>Sigmoid probabilities (N × 3, <see cref="FeatureSpec.Heads"/> order) and user embeddings (N × E).</returns>
    public static (float[] Probabilities, float[] Embeddings) Predict(ScoringModel model, TrainingSet data, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Predict(model, data.Tokens, data.Mask, data.Aggregates, batchSize);
    }

    /// <summary>Scores N samples given in the model's flat input layout, in eval mode and in batches.</summary>
    /// <returns>Sigmoid probabilities (N × 3, <see cref="FeatureSpec.Heads"/> order) and user embeddings (N × E).</returns>
    public static (float[] Probabilities, float[] Embeddings) Predict(ScoringModel model, long[] tokens, float[] mask, float[] aggregates, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(aggregates);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var count = mask.Length / FeatureSpec.SequenceLength;
        if (tokens.Length != count * TrainingSet.TokensPerSample || aggregates.Length != count * FeatureSpec.AggregateCount)
        {
            throw new ArgumentException($"Inputs disagree on the sample count: {tokens.Length} token ids, {mask.Length} mask values, {aggregates.Length} aggregates.");
        }

        var heads = FeatureSpec.Heads.Count;
        var probabilities = new float[count * heads];
        var embeddings = new float[count * model.EmbeddingSize];
        var indices = Enumerable.Range(0, count).ToArray();
        var batcher = new BatchBuilder(Math.Min(batchSize, Math.Max(count, 1)));
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            for (var start = 0; start < count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var n = Math.Min(batchSize, count - start);
                var (t, m, a) = batcher.Inputs(tokens, mask, aggregates, indices.AsSpan(start, n));
                var (logits, embedding) = model.forward(t, m, a);
                logits.sigmoid().data<float>().CopyTo(probabilities, start * heads);
                embedding.contiguous().data<float>().CopyTo(embeddings, start * model.EmbeddingSize);
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return (probabilities, embeddings);
    }

    /// <summary>
    /// Per-head positive-class weights: negatives / positives among the known labels, clamped to
    /// [1, <paramref name="cap"/>] so rare positives weigh more and a head without positives stays at 1.
    /// </summary>
    internal static float[] PositiveWeights(TrainingSet data, ReadOnlySpan<int> indices, double cap)
    {
        var heads = FeatureSpec.Heads.Count;
        var positives = new double[heads];
        var negatives = new double[heads];
        foreach (var i in indices)
        {
            for (var h = 0; h < heads; h++)
            {
                var known = data.LabelMask[i * heads + h];
                if (known > 0)
                {
                    var label = data.Labels[i * heads + h];
                    positives[h] += known * label;
                    negatives[h] += known * (1 - label);
                }
            }
        }

        var weights = new float[heads];
        for (var h = 0; h < heads; h++)
        {
            weights[h] = positives[h] > 0 ? (float)Math.Clamp(negatives[h] / positives[h], 1, cap) : 1f;
        }

        return weights;
    }

    /// <summary>
    /// Masked, class-weighted BCE-with-logits: each head's loss is the mean over its known labels,
    /// and the total is the mean over heads that have at least one known label in the batch.
    /// Unknown labels are zeroed before the loss so that NaN placeholders cannot leak into gradients.
    /// </summary>
    /// <returns>The scalar total, per-head sums of the weighted losses [3] and per-head known-label counts [3].</returns>
    internal static (Tensor Total, Tensor HeadSums, Tensor HeadCounts) MaskedLoss(Tensor logits, Tensor labels, Tensor labelMask, Tensor positiveWeights)
    {
        var known = labelMask.gt(HeldScalars.Zero);
        var safeLabels = torch.where(known, labels, torch.zeros_like(labels));
        var perElement = nn.functional.binary_cross_entropy_with_logits(logits, safeLabels, null, nn.Reduction.None, positiveWeights);
        var headSums = torch.where(known, perElement, torch.zeros_like(perElement)).sum(dim: 0);
        var headCounts = known.to_type(ScalarType.Float32).sum(dim: 0);
        var headMeans = headSums.div(headCounts.clamp_min(HeldScalars.One));
        var headsWithLabels = headCounts.gt(HeldScalars.Zero).to_type(ScalarType.Float32).sum().clamp_min(HeldScalars.One);
        return (headMeans.sum().div(headsWithLabels), headSums, headCounts);
    }

    /// <summary>Splits sample indices into train and validation so that no group spans both; deterministic from the seed.</summary>
    internal static (int[] Train, int[] Validation) SplitByGroup(long[] groups, double validationFraction, int seed)
    {
        var distinct = groups.Distinct().Order().ToArray();
        new Random(seed).Shuffle(distinct);
        var holdOut = (int)Math.Round(validationFraction * distinct.Length);
        if (validationFraction > 0 && distinct.Length >= 2)
        {
            holdOut = Math.Clamp(holdOut, 1, distinct.Length - 1);
        }

        var validationGroups = distinct.Take(holdOut).ToHashSet();
        var train = new List<int>(groups.Length);
        var validation = new List<int>();
        for (var i = 0; i < groups.Length; i++)
        {
            (validationGroups.Contains(groups[i]) ? validation : train).Add(i);
        }

        return ([.. train], [.. validation]);
    }

    private void ConfigureTorch()
    {
        torch.set_num_threads(_options.Threads ?? Environment.ProcessorCount);
        torch.manual_seed(_options.Seed);
    }

    private TrainingResult TrainCore(ScoringModel model, TrainingSet data, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var (trainIndices, validationIndices) = SplitByGroup(data.Groups, _options.ValidationFraction, _options.Seed);
        if (trainIndices.Length == 0)
        {
            throw new ArgumentException("The training set has no samples left after the validation split.", nameof(data));
        }

        var weights = PositiveWeights(data, trainIndices, _options.PositiveWeightCap);
        using var positiveWeights = torch.tensor(weights);

        // The auxiliary next-category layer exists only when asked for (creating it draws from torch's generator).
        using var auxiliary = _options.NextCategoryWeight > 0 && data.NextCategory is not null
            ? new NextCategoryAuxiliary(nn.Linear(model.EmbeddingSize, FeatureSpec.CategoryBuckets), _options.NextCategoryWeight)
            : null;
        using var optimizer = new AdamOptimizer(
            auxiliary is null ? model.parameters() : model.parameters().Concat(auxiliary.Layer.parameters()), _options.LearningRate, _options.WeightDecay);
        var batcher = new BatchBuilder(Math.Min(_options.BatchSize, trainIndices.Length));
        var shuffle = new Random(_options.Seed);
        var dropout = _options.GroupDropout > 0 ? new GroupDropout(data, _options.GroupDropout, _options.Seed) : null;

        var history = new List<TrainingProgress>();
        Dictionary<string, Tensor>? best = null;
        var bestEpoch = 0;
        var bestLoss = double.PositiveInfinity;
        var epochsWithoutImprovement = 0;
        var stop = TrainingStopReason.Completed;
        long step = 0;

        try
        {
            for (var epoch = 1; epoch <= _options.Epochs; epoch++)
            {
                model.train();
                shuffle.Shuffle(trainIndices);
                double lossSum = 0;
                var epochSteps = 0;
                for (var start = 0; start < trainIndices.Length; start += _options.BatchSize)
                {
                    var batch = trainIndices.AsSpan(start, Math.Min(_options.BatchSize, trainIndices.Length - start));
                    lossSum += Step(model, optimizer, batcher, data, batch, positiveWeights, dropout, auxiliary);
                    epochSteps++;
                    step++;

                    stop = cancellationToken.IsCancellationRequested ? TrainingStopReason.Cancelled
                        : _options.MaxDuration is { } budget && _time.GetElapsedTime(started) >= budget ? TrainingStopReason.TimeBudget
                        : TrainingStopReason.Completed;
                    if (stop != TrainingStopReason.Completed)
                    {
                        break;
                    }

                    if (step % _options.ProgressInterval == 0)
                    {
                        _progress?.Report(new TrainingProgress(epoch, step, lossSum / epochSteps, null, null, _time.GetElapsedTime(started)));
                    }
                }

                var trainLoss = lossSum / epochSteps;

                // Without a validation split the epoch's training loss drives model selection.
                var (validationLoss, headLosses) = validationIndices.Length > 0
                    ? Evaluate(model, data, validationIndices, positiveWeights)
                    : (trainLoss, Enumerable.Repeat(double.NaN, FeatureSpec.Heads.Count).ToArray());
                var report = new TrainingProgress(epoch, step, trainLoss, validationLoss, headLosses, _time.GetElapsedTime(started));
                history.Add(report);
                _progress?.Report(report);

                if (validationLoss < bestLoss)
                {
                    bestLoss = validationLoss;
                    bestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    DisposeAll(best);
                    best = Snapshot(model);
                }
                else if (++epochsWithoutImprovement >= _options.Patience && stop == TrainingStopReason.Completed)
                {
                    stop = TrainingStopReason.EarlyStopped;
                }

                if (stop != TrainingStopReason.Completed)
                {
                    break;
                }
            }

            if (best is not null)
            {
                model.load_state_dict(best);
            }
        }
        finally
        {
            DisposeAll(best);
        }

        model.eval();
        return new TrainingResult(model, history, bestEpoch, bestLoss, weights, trainIndices.Length, validationIndices.Length, stop, _time.GetElapsedTime(started));
    }

    private static double Step(
        ScoringModel model, AdamOptimizer optimizer, BatchBuilder batcher, TrainingSet data, ReadOnlySpan<int> batch, Tensor positiveWeights, GroupDropout? dropout,
        NextCategoryAuxiliary? auxiliary)
    {
        using var scope = torch.NewDisposeScope();
        var (tokens, mask, aggregates) = batcher.Inputs(data.Tokens, data.Mask, data.Aggregates, batch, dropout);
        var (labels, labelMask) = batcher.Targets(data.Labels, data.LabelMask, batch);
        optimizer.ZeroGrad();
        var (logits, embedding) = model.forward(tokens, mask, aggregates);
        var loss = MaskedLoss(logits, labels, labelMask, positiveWeights).Total;
        if (auxiliary is not null)
        {
            loss = loss.add(auxiliary.Loss(embedding, data.NextCategory!, batch), alpha: HeldScalars.One);
        }

        loss.backward();
        optimizer.Step();
        return loss.item<float>();
    }

    private (double Loss, double[] HeadLosses) Evaluate(ScoringModel model, TrainingSet data, int[] indices, Tensor positiveWeights)
    {
        var heads = FeatureSpec.Heads.Count;
        var sums = new double[heads];
        var counts = new double[heads];
        var batcher = new BatchBuilder(Math.Min(_options.BatchSize, indices.Length));
        model.eval();
        using (torch.no_grad())
        {
            for (var start = 0; start < indices.Length; start += _options.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var batch = indices.AsSpan(start, Math.Min(_options.BatchSize, indices.Length - start));
                var (tokens, mask, aggregates) = batcher.Inputs(data.Tokens, data.Mask, data.Aggregates, batch);
                var (labels, labelMask) = batcher.Targets(data.Labels, data.LabelMask, batch);
                var (logits, _) = model.forward(tokens, mask, aggregates);
                var (_, headSums, headCounts) = MaskedLoss(logits, labels, labelMask, positiveWeights);
                var s = headSums.data<float>().ToArray();
                var c = headCounts.data<float>().ToArray();
                for (var h = 0; h < heads; h++)
                {
                    sums[h] += s[h];
                    counts[h] += c[h];
                }
            }
        }

        model.train();

        // Same definition as the training objective, over the whole validation set at once.
        var headLosses = new double[heads];
        double total = 0;
        var withLabels = 0;
        for (var h = 0; h < heads; h++)
        {
            headLosses[h] = counts[h] > 0 ? sums[h] / counts[h] : double.NaN;
            if (counts[h] > 0)
            {
                total += headLosses[h];
                withLabels++;
            }
        }

        return (withLabels > 0 ? total / withLabels : 0, headLosses);
    }

    private static Dictionary<string, Tensor> Snapshot(ScoringModel model)
    {
        var copy = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in model.state_dict())
        {
            copy[name] = tensor.detach().clone();
        }

        return copy;
    }

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null)
        {
            return;
        }

        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        tensors.Clear();
    }
}
