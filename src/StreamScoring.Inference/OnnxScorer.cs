using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Internal;

namespace StreamScoring.Inference;

/// <summary>
/// Scores batches with an exported ONNX model through ONNX Runtime, on CUDA when available.
/// Loading refuses a model whose <c>feature_spec_hash</c> metadata differs from
/// <see cref="FeatureSpec.Hash"/> or whose inputs and outputs do not match the specification.
/// </summary>
/// <remarks>
/// Inputs are copied into pinned buffers that are reused across calls (they grow to the largest
/// batch seen), so a call allocates nothing on the managed heap in the steady state. Calls are
/// serialised by a lock; use one scorer per scoring loop for parallelism.
/// </remarks>
public sealed class OnnxScorer : IDisposable
{
    /// <summary>Metadata key of the model version.</summary>
    public const string ModelVersionKey = "model_version";

    /// <summary>Metadata key of the feature-spec hash.</summary>
    public const string FeatureSpecHashKey = "feature_spec_hash";

    /// <summary>Metadata key of the comma-separated head names.</summary>
    public const string HeadsKey = "heads";

    /// <summary>Metadata key of the export time (ISO 8601, UTC).</summary>
    public const string CreatedUtcKey = "created_utc";

    private static readonly string[] InputNames = [FeatureSpec.TokensInput, FeatureSpec.MaskInput, FeatureSpec.AggregatesInput];
    private static readonly string[] BaseOutputNames = [FeatureSpec.ScoresOutput, FeatureSpec.EmbeddingOutput];
    private static readonly string[] HeadOutputNames = [.. BaseOutputNames, FeatureSpec.NextCategoryBucketsOutput, FeatureSpec.NextCategoryScoresOutput];
    private static readonly string[] HeadWithItemsOutputNames = [.. HeadOutputNames, FeatureSpec.NextItemIdsOutput, FeatureSpec.NextItemScoresOutput];
    private static readonly int TokenStride = FeatureSpec.SequenceLength * FeatureSpec.TokenFieldCount;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly BatchBuffers _buffers;
    private readonly string[] _outputNames;
    private readonly Lock _lock = new();
    private bool _disposed;

    /// <summary>Loads and checks a model.</summary>
    /// <param name="modelPath">Path of the <c>.onnx</c> file.</param>
    /// <param name="options">Device, threads and buffer sizes; <c>null</c> for the defaults.</param>
    /// <param name="log">Receives one line per loading decision (provider chosen, fallback and why).</param>
    /// <exception cref="ModelLoadException">The file is missing or broken, does not match <see cref="FeatureSpec"/>, or CUDA was required and is unavailable.</exception>
    public OnnxScorer(string modelPath, OnnxScorerOptions? options = null, Action<string>? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new OnnxScorerOptions();
        ModelPath = modelPath;
        if (!File.Exists(modelPath))
        {
            throw new ModelLoadException($"Model file '{modelPath}' does not exist.") { ModelPath = modelPath, Reason = "missing_file" };
        }

        (_session, ActiveProvider) = CreateSession(modelPath, options, log);
        try
        {
            Metadata = _session.ModelMetadata.CustomMetadataMap;
            SpecHash = Metadata.GetValueOrDefault(FeatureSpecHashKey) ?? string.Empty;
            if (SpecHash != FeatureSpec.Hash)
            {
                throw new ModelLoadException(SpecHash.Length == 0
                    ? $"Model '{modelPath}' has no '{FeatureSpecHashKey}' metadata; this build's feature spec hash is {FeatureSpec.Hash}."
                    : $"Model '{modelPath}' was trained for feature spec hash {SpecHash}, but this build's feature spec hash is {FeatureSpec.Hash}; retrain or deploy a matching model.")
                { ModelPath = modelPath, Reason = "spec_mismatch" };
            }

            ModelVersion = Metadata.GetValueOrDefault(ModelVersionKey) ?? string.Empty;
            var manifest = LoadManifest(modelPath);
            Calibration = options.ApplyCalibration && manifest is not null ? CalibrationOf(manifest, modelPath) : ScoreCalibration.Identity;
            EmbeddingSize = CheckSignature(_session, modelPath);
            NextCategoryCount = CheckNextCategorySignature(_session, modelPath);
            NextItemCount = NextCategoryCount > 0 ? CheckNextItemSignature(_session, modelPath) : 0;
            NextCategoryLabels = NextCategoryCount > 0 ? manifest?.NextCategory?.Labels ?? [] : [];
            NextItems = NextItemCount > 0 ? manifest?.NextCategory?.Items ?? [] : [];
            _outputNames = NextItemCount > 0 ? HeadWithItemsOutputNames : NextCategoryCount > 0 ? HeadOutputNames : BaseOutputNames;
            _buffers = new BatchBuffers(options.InitialBatchCapacity, EmbeddingSize, NextCategoryCount, NextItemCount);
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }

        var head = NextCategoryCount > 0 ? $", next-category head top {NextCategoryCount}" + (NextItemCount > 0 ? $" and {NextItemCount} products" : "") : "";
        log?.Invoke($"Loaded model {ModelVersion} (spec {SpecHash}, embedding {EmbeddingSize}{head}) on {ActiveProvider}.");
    }

    /// <summary>Path the model was loaded from.</summary>
    public string ModelPath { get; }

    /// <summary>The model's <c>model_version</c> metadata (empty when absent).</summary>
    public string ModelVersion { get; }

    /// <summary>The model's <c>feature_spec_hash</c> metadata (equal to <see cref="FeatureSpec.Hash"/>).</summary>
    public string SpecHash { get; }

    /// <summary>Length of the <c>user_embedding</c> output per sample.</summary>
    public int EmbeddingSize { get; }

    /// <summary>
    /// Categories the model's next-category head returns per user (<see cref="FeatureSpec.NextCategoryCount"/>), or 0
    /// for a model without the head.
    /// </summary>
    public int NextCategoryCount { get; }

    /// <summary>
    /// The category name of each bucket the head returns (from the manifest's <c>next_category</c>; null entries where
    /// none is known); empty without the head or without labels in the manifest.
    /// </summary>
    public IReadOnlyList<string?> NextCategoryLabels { get; }

    /// <summary>
    /// Products the head returns per user (<see cref="FeatureSpec.NextItemCount"/>), or 0 for a model without product
    /// outputs.
    /// </summary>
    public int NextItemCount { get; }

    /// <summary>The product ids that <c>next_item_ids</c> indexes (from the manifest); empty without product outputs.</summary>
    public IReadOnlyList<string> NextItems { get; }

    /// <summary>The product id at an index the head returned, or null for -1 (fewer products known) or an index the manifest lacks.</summary>
    public string? NextItem(long index) => index >= 0 && index < NextItems.Count ? NextItems[(int)index] : null;

    /// <summary>The category name of a bucket the head returned, or null when the manifest names none (or it is out of range).</summary>
    public string? NextCategoryLabel(long bucket) => bucket >= 0 && bucket < NextCategoryLabels.Count ? NextCategoryLabels[(int)bucket] : null;

    /// <summary>The execution provider in use: <see cref="ScoringDevice.Cpu"/> or <see cref="ScoringDevice.Cuda"/>.</summary>
    public ScoringDevice ActiveProvider { get; }

    /// <summary>
    /// The per-head calibration applied to every score (from the manifest beside the model; identity when there is
    /// none or <see cref="OnnxScorerOptions.ApplyCalibration"/> is off). The one place scores are calibrated, so the
    /// worker and <c>score-file</c> produce the same values.
    /// </summary>
    public ScoreCalibration Calibration { get; }

    /// <summary>All custom metadata of the model.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Samples the reused buffers hold now.</summary>
    public int BatchCapacity => _buffers.Capacity;

    /// <summary>Scores a batch.</summary>
    /// <param name="tokens">batch × S × F token ids, already offset.</param>
    /// <param name="mask">batch × S padding mask (1 real, 0 padding).</param>
    /// <param name="aggregates">batch × A normalised aggregates.</param>
    /// <param name="batch">Samples in the batch (at least 1).</param>
    /// <param name="scores">Receives batch × 3 probabilities in <see cref="FeatureSpec.Heads"/> order.</param>
    /// <param name="embeddings">Receives batch × <see cref="EmbeddingSize"/> user embeddings; may be empty to skip the copy.</param>
    public void Score(ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int batch, Span<float> scores, Span<float> embeddings) =>
        Run(tokens, mask, aggregates, batch, scores, embeddings, [], [], [], [], calibrate: true);

    /// <summary>Scores a batch and returns the next-category head's top categories as well.</summary>
    /// <param name="tokens">batch × S × F token ids, already offset.</param>
    /// <param name="mask">batch × S padding mask (1 real, 0 padding).</param>
    /// <param name="aggregates">batch × A normalised aggregates.</param>
    /// <param name="batch">Samples in the batch (at least 1).</param>
    /// <param name="scores">Receives batch × 3 probabilities in <see cref="FeatureSpec.Heads"/> order.</param>
    /// <param name="embeddings">Receives batch × <see cref="EmbeddingSize"/> user embeddings; may be empty to skip the copy.</param>
    /// <param name="nextCategories">Receives batch × <see cref="NextCategoryCount"/> category buckets, best first.</param>
    /// <param name="nextCategoryScores">Receives their probabilities (batch × <see cref="NextCategoryCount"/>).</param>
    /// <param name="nextItems">
    /// Receives batch × <see cref="NextItemCount"/> indices into <see cref="NextItems"/>, best first (-1 where fewer are
    /// known); empty to skip (and for a model without product outputs).
    /// </param>
    /// <param name="nextItemScores">Receives their scores; empty with <paramref name="nextItems"/>.</param>
    /// <exception cref="InvalidOperationException">The model has no next-category head (<see cref="NextCategoryCount"/> is 0), or products were asked of a model without them.</exception>
    public void Score(
        ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int batch, Span<float> scores, Span<float> embeddings,
        Span<long> nextCategories, Span<float> nextCategoryScores, Span<long> nextItems = default, Span<float> nextItemScores = default)
    {
        if (NextCategoryCount == 0)
        {
            throw new InvalidOperationException($"Model '{ModelPath}' has no next-category head (outputs '{FeatureSpec.NextCategoryBucketsOutput}', '{FeatureSpec.NextCategoryScoresOutput}').");
        }

        CheckLength(nextCategories.Length, batch * NextCategoryCount, nameof(nextCategories));
        CheckLength(nextCategoryScores.Length, batch * NextCategoryCount, nameof(nextCategoryScores));
        if (!nextItems.IsEmpty || !nextItemScores.IsEmpty)
        {
            if (NextItemCount == 0)
            {
                throw new InvalidOperationException($"Model '{ModelPath}' has no product outputs ('{FeatureSpec.NextItemIdsOutput}', '{FeatureSpec.NextItemScoresOutput}').");
            }

            CheckLength(nextItems.Length, batch * NextItemCount, nameof(nextItems));
            CheckLength(nextItemScores.Length, batch * NextItemCount, nameof(nextItemScores));
        }

        Run(tokens, mask, aggregates, batch, scores, embeddings, nextCategories, nextCategoryScores, nextItems, nextItemScores, calibrate: true);
    }

    /// <summary>
    /// Scores a batch without the calibrators: the model's own sigmoid outputs. For attribution, which measures
    /// how much each input moves the score; a calibrator that is flat in its tails would hide those moves.
    /// </summary>
    public void ScoreRaw(ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int batch, Span<float> scores) =>
        Run(tokens, mask, aggregates, batch, scores, [], [], [], [], [], calibrate: false);

    private void Run(
        ReadOnlySpan<long> tokens, ReadOnlySpan<float> mask, ReadOnlySpan<float> aggregates, int batch, Span<float> scores, Span<float> embeddings,
        Span<long> nextCategories, Span<float> nextCategoryScores, Span<long> nextItems, Span<float> nextItemScores, bool calibrate)
    {
        if (batch < 1)
        {
            ThrowBatch(batch);
        }

        CheckLength(tokens.Length, batch * TokenStride, nameof(tokens));
        CheckLength(mask.Length, batch * FeatureSpec.SequenceLength, nameof(mask));
        CheckLength(aggregates.Length, batch * FeatureSpec.AggregateCount, nameof(aggregates));
        CheckLength(scores.Length, batch * FeatureSpec.Heads.Count, nameof(scores));
        if (!embeddings.IsEmpty)
        {
            CheckLength(embeddings.Length, batch * EmbeddingSize, nameof(embeddings));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _buffers.Prepare(batch);
            tokens.CopyTo(_buffers.Tokens);
            mask.CopyTo(_buffers.Mask);
            aggregates.CopyTo(_buffers.Aggregates);
            _session.Run(_runOptions, InputNames, _buffers.InputValues, _outputNames, _buffers.OutputValues);
            _buffers.Scores.AsSpan(0, scores.Length).CopyTo(scores);
            if (calibrate)
            {
                Calibration.Apply(scores);
            }

            if (!embeddings.IsEmpty)
            {
                _buffers.Embeddings.AsSpan(0, embeddings.Length).CopyTo(embeddings);
            }

            if (!nextCategories.IsEmpty)
            {
                _buffers.NextCategories.AsSpan(0, nextCategories.Length).CopyTo(nextCategories);
                _buffers.NextCategoryScores.AsSpan(0, nextCategoryScores.Length).CopyTo(nextCategoryScores);
            }

            if (!nextItems.IsEmpty)
            {
                _buffers.NextItems.AsSpan(0, nextItems.Length).CopyTo(nextItems);
                _buffers.NextItemScores.AsSpan(0, nextItemScores.Length).CopyTo(nextItemScores);
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _buffers.Dispose();
            _session.Dispose();
            _runOptions.Dispose();
        }
    }

    // The manifest is optional here (a bare .onnx scores raw); when present it must be readable, since a
    // calibrator silently dropped would shift every score and threshold.
    // A calibrator that does not validate is as bad as an unreadable manifest: refused, never dropped.
    private static ScoreCalibration CalibrationOf(ModelManifest manifest, string modelPath)
    {
        try
        {
            return new ScoreCalibration(manifest.Calibration);
        }
        catch (InvalidDataException e)
        {
            throw new ModelLoadException($"Model manifest '{ModelManifest.PathFor(modelPath)}' cannot be read: {e.Message}", e) { ModelPath = modelPath, Reason = "manifest_unreadable" };
        }
    }

    private static ModelManifest? LoadManifest(string modelPath)
    {
        var manifestPath = ModelManifest.PathFor(modelPath);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        try
        {
            return ModelManifest.Read(manifestPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Model manifest '{manifestPath}' cannot be read: {e.Message}", e) { ModelPath = modelPath, Reason = "manifest_unreadable" };
        }
    }

    private static (InferenceSession Session, ScoringDevice Provider) CreateSession(string path, OnnxScorerOptions options, Action<string>? log)
    {
        if (options.Device != ScoringDevice.Cpu)
        {
            try
            {
                return (Open(path, options, cuda: true), ScoringDevice.Cuda);
            }
            catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                if (options.Device == ScoringDevice.Cuda)
                {
                    throw new ModelLoadException($"The CUDA execution provider is unavailable for '{path}' (device {options.CudaDeviceId}): {e.Message} Use Device=Auto or Cpu to run on the CPU.", e) { ModelPath = path, Reason = "cuda_unavailable" };
                }

                log?.Invoke($"CUDA execution provider unavailable, falling back to CPU: {FirstLine(e.Message)}");
            }
        }

        try
        {
            return (Open(path, options, cuda: false), ScoringDevice.Cpu);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"Model file '{path}' is not a loadable ONNX model: {e.Message}", e) { ModelPath = path, Reason = "unloadable" };
        }
    }

    private static InferenceSession Open(string path, OnnxScorerOptions options, bool cuda)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        var spinning = options.AllowSpinning ? "1" : "0";
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning);
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", spinning);
        if (cuda)
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
        }

        return new InferenceSession(path, sessionOptions);
    }

    private static int CheckSignature(InferenceSession session, string path)
    {
        var s = FeatureSpec.SequenceLength;
        CheckTensor(session.InputMetadata, FeatureSpec.TokensInput, TensorElementType.Int64, [s, FeatureSpec.TokenFieldCount], path);
        CheckTensor(session.InputMetadata, FeatureSpec.MaskInput, TensorElementType.Float, [s], path);
        CheckTensor(session.InputMetadata, FeatureSpec.AggregatesInput, TensorElementType.Float, [FeatureSpec.AggregateCount], path);
        CheckTensor(session.OutputMetadata, FeatureSpec.ScoresOutput, TensorElementType.Float, [FeatureSpec.Heads.Count], path);
        var embedding = CheckTensor(session.OutputMetadata, FeatureSpec.EmbeddingOutput, TensorElementType.Float, null, path);
        if (embedding.Length != 2 || embedding[1] < 1)
        {
            throw new ModelLoadException($"Model '{path}': output '{FeatureSpec.EmbeddingOutput}' must be [batch, E] with a fixed E, found [{string.Join(", ", embedding)}].") { ModelPath = path, Reason = "invalid_signature" };
        }

        return embedding[1];
    }

    // The head is optional, but its two outputs come together, [batch, K] each, with K = FeatureSpec.NextCategoryCount.
    private static int CheckNextCategorySignature(InferenceSession session, string path) =>
        CheckOptionalPair(session, path, FeatureSpec.NextCategoryBucketsOutput, FeatureSpec.NextCategoryScoresOutput, FeatureSpec.NextCategoryCount, "next-category outputs");

    // Products are optional beside a head; both outputs come together, [batch, FeatureSpec.NextItemCount] each.
    private static int CheckNextItemSignature(InferenceSession session, string path) =>
        CheckOptionalPair(session, path, FeatureSpec.NextItemIdsOutput, FeatureSpec.NextItemScoresOutput, FeatureSpec.NextItemCount, "product outputs");

    // An optional int64 [batch, k] index output with its float [batch, k] scores: k when both are there, 0 when neither.
    private static int CheckOptionalPair(InferenceSession session, string path, string indices, string scores, int k, string what)
    {
        var outputs = session.OutputMetadata;
        var hasIndices = outputs.ContainsKey(indices);
        var hasScores = outputs.ContainsKey(scores);
        if (!hasIndices && !hasScores)
        {
            return 0;
        }

        if (hasIndices != hasScores)
        {
            throw new ModelLoadException($"Model '{path}' has only one of the {what} '{indices}' and '{scores}'; both are needed.")
            { ModelPath = path, Reason = "invalid_signature" };
        }

        CheckTensor(outputs, indices, TensorElementType.Int64, [k], path);
        CheckTensor(outputs, scores, TensorElementType.Float, [k], path);
        return k;
    }

    private static int[] CheckTensor(IReadOnlyDictionary<string, NodeMetadata> nodes, string name, TensorElementType type, int[]? trailing, string path)
    {
        if (!nodes.TryGetValue(name, out var node) || !node.IsTensor)
        {
            throw new ModelLoadException($"Model '{path}' has no tensor '{name}' (found: {string.Join(", ", nodes.Keys)}).") { ModelPath = path, Reason = "invalid_signature" };
        }

        var dims = node.Dimensions;
        if (node.ElementDataType != type || (trailing is not null && !dims.AsSpan(1).SequenceEqual(trailing)))
        {
            var expected = trailing is null ? "[batch, ...]" : $"[batch, {string.Join(", ", trailing)}]";
            throw new ModelLoadException(string.Create(CultureInfo.InvariantCulture,
                $"Model '{path}': '{name}' is {node.ElementDataType} [{string.Join(", ", dims)}], but the feature spec expects {type} {expected}.")) { ModelPath = path, Reason = "invalid_signature" };
        }

        return dims;
    }

    private static string FirstLine(string text) => text.AsSpan().IndexOfAny('\r', '\n') is var i and >= 0 ? text[..i] : text;

    private static void ThrowBatch(int batch) =>
        throw new ArgumentOutOfRangeException(nameof(batch), batch, "A batch holds at least one sample.");

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, name);
        }
    }

    private static void ThrowLength(int actual, int expected, string name) =>
        throw new ArgumentException($"'{name}' holds {actual} values; the batch needs {expected}.", name);
}
