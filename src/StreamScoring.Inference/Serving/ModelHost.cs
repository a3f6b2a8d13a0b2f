using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Features;
using StreamScoring.Inference.Internal;

namespace StreamScoring.Inference.Serving;

/// <summary>
/// Holds the model being served (<see cref="Current"/>: scorer, manifest, segments, version) and swaps in new
/// versions while the worker runs.
/// </summary>
/// <remarks>
/// <para><b>Start.</b> <see cref="Start"/> (or <see cref="StartAsync"/> as a hosted service) loads the model,
/// its manifest and segments, and throws <see cref="ModelLoadException"/> when any is missing or broken, when the
/// model's feature-spec hash differs from <see cref="FeatureSpec.Hash"/> (the scorer's own message), or when the
/// manifest describes another version: the worker stops at start rather than serve wrong scores.</para>
/// <para><b>Hot reload.</b> Every <see cref="InferenceOptions.ReloadPollInterval"/> (on the injected
/// <see cref="TimeProvider"/>) the host compares the files' sizes and last-write times with the loaded ones. A
/// change is acted on once it has been stable for one more poll, so a file still being copied is not read
/// half-written (deploy by writing elsewhere and renaming for an immediate, atomic switch). The new version is
/// loaded on the timer's thread, never the scoring path, warmed up with one dummy batch, then swapped in
/// atomically. Batches already running hold a <see cref="ModelLease"/> on the old version, which is disposed
/// when the last lease is released: no request is dropped. A broken new version leaves the old one serving,
/// logs an error and counts <c>streamscoring.model_reload_failures</c>; the same files are not retried until
/// they change again.</para>
/// </remarks>
public sealed class ModelHost : IHostedService, IDisposable
{
    private readonly InferenceOptions _options;
    private readonly InferenceTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _modelPath;
    private readonly string _manifestPath;
    private readonly string _segmentsPath;
    private readonly Lock _startLock = new();
    private ModelSnapshot? _current;
    private ITimer? _timer;
    private ModelFiles _loaded;
    private ModelFiles? _candidate;
    private ModelFiles? _failed;
    private int _polling;
    private long _reloads;
    private long _reloadFailures;
    private bool _disposed;

    /// <summary>Creates the host; nothing is loaded until <see cref="Start"/>.</summary>
    public ModelHost(IOptions<InferenceOptions> options, InferenceTelemetry telemetry, TimeProvider timeProvider, ILogger<ModelHost> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _telemetry = telemetry;
        _timeProvider = timeProvider;
        _logger = logger;
        _modelPath = Path.GetFullPath(_options.ModelPath);
        _manifestPath = ModelManifest.PathFor(_modelPath);
        _segmentsPath = Path.GetFullPath(_options.SegmentsPath ?? Path.Combine(Path.GetDirectoryName(_modelPath) ?? ".", SegmentCentroids.FileName));
    }

    /// <summary>Raised on the reloading thread after a new version was swapped in.</summary>
    public event EventHandler<ModelReloadedEventArgs>? Reloaded;

    /// <summary>Whether a model is loaded (readiness).</summary>
    public bool IsLoaded => Volatile.Read(ref _current) is not null;

    /// <summary>
    /// The version served now. Read metadata from it freely; score through <see cref="Acquire"/>, since a reload
    /// may dispose this snapshot's scorer at any moment after it stops being current.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host has not been started.</exception>
    public ModelSnapshot Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("The model host has not been started.");

    /// <summary>Successful hot reloads since start.</summary>
    public long ReloadCount => Interlocked.Read(ref _reloads);

    /// <summary>Failed hot reloads since start.</summary>
    public long ReloadFailureCount => Interlocked.Read(ref _reloadFailures);

    /// <summary>Leases the current version for one batch; dispose the lease when the batch's results are copied out.</summary>
    /// <exception cref="InvalidOperationException">The host has not been started.</exception>
    /// <exception cref="ObjectDisposedException">The host has been disposed.</exception>
    public ModelLease Acquire()
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var snapshot = Current;
            if (snapshot.TryAddReference())
            {
                return new ModelLease(snapshot);
            }

            // Retired and released between the read and the increment: a newer one is current already.
        }
    }

    /// <summary>Loads the model and starts polling for new versions. Idempotent.</summary>
    /// <exception cref="ModelLoadException">The model cannot be served (see the remarks).</exception>
    public void Start()
    {
        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is not null)
            {
                return;
            }

            var files = ModelFiles.Read(_modelPath, _manifestPath, _segmentsPath);
            var snapshot = Load(generation: 1);
            _loaded = files;
            Volatile.Write(ref _current, snapshot);
            _telemetry.ModelDevice = snapshot.Scorer.ActiveProvider.ToString().ToLowerInvariant();
            _telemetry.ModelVersion = snapshot.Version;
            var interval = _options.ReloadPollInterval;
            if (interval > TimeSpan.Zero)
            {
                _timer = _timeProvider.CreateTimer(static state => ((ModelHost)state!).OnPollTimer(), this, interval, interval);
            }
        }
    }

    /// <summary>
    /// Checks the files once now (what the timer does): returns true when a new version was swapped in. A change
    /// is loaded on the second check that sees the same files. Returns false at once when a check is running.
    /// </summary>
    public bool CheckForUpdate()
    {
        if (Interlocked.Exchange(ref _polling, 1) != 0)
        {
            return false;
        }

        try
        {
            if (_disposed || Volatile.Read(ref _current) is null)
            {
                return false;
            }

            var files = ModelFiles.Read(_modelPath, _manifestPath, _segmentsPath);
            if (files == _loaded || files == _failed)
            {
                _candidate = null;
                return false;
            }

            if (files != _candidate)
            {
                _candidate = files; // changed since the last look: wait one poll for writes to settle
                return false;
            }

            _candidate = null;
            return TryReload(files);
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_startLock)
        {
            _timer?.Dispose();
            _timer = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops polling and releases the host's reference to the current version (leases keep it alive until released).</summary>
    public void Dispose()
    {
        lock (_startLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }

        // Wait for a running check (it may be swapping) so the last snapshot is the one released.
        var spin = default(SpinWait);
        while (Interlocked.CompareExchange(ref _polling, 1, 0) != 0)
        {
            spin.SpinOnce();
        }

        Interlocked.Exchange(ref _current, null)?.Release();
    }

    private void OnPollTimer()
    {
        try
        {
            CheckForUpdate();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.PollFailed(e, _modelPath);
        }
    }

    private bool TryReload(ModelFiles files)
    {
        var previous = Current;
        _logger.ReloadStarting(_modelPath);
        ModelSnapshot next;
        try
        {
            next = Load(previous.Generation + 1);
        }
        catch (Exception e) when (e is ModelLoadException or IOException or UnauthorizedAccessException)
        {
            _failed = files;
            Interlocked.Increment(ref _reloadFailures);
            _telemetry.ModelReloadFailed(e is ModelLoadException load ? load.Reason : "io_error");
            _logger.ReloadFailed(e, _modelPath, previous.Version);
            return false;
        }

        _loaded = files;
        _failed = null;
        Volatile.Write(ref _current, next);
        previous.Release(); // the host's reference; leases still running keep the old scorer alive
        Interlocked.Increment(ref _reloads);
        _telemetry.ModelReloads.Add(1);
        _telemetry.ModelDevice = next.Scorer.ActiveProvider.ToString().ToLowerInvariant();
        _telemetry.ModelVersion = next.Version;
        _logger.Reloaded(next.Version, previous.Version);
        Reloaded?.Invoke(this, new ModelReloadedEventArgs(previous.Version, next));
        return true;
    }

    // Loads, checks and warms up one version; disposes what it created when anything fails.
    private ModelSnapshot Load(int generation)
    {
        var scorer = new OnnxScorer(_modelPath, ScorerOptionsFor(_options), detail => _logger.LoadDetail(detail));
        try
        {
            var manifest = ReadManifest();
            if (manifest.FeatureSpecHash != FeatureSpec.Hash)
            {
                throw new ModelLoadException($"Model manifest '{_manifestPath}' is for feature spec hash {manifest.FeatureSpecHash}, but this build's feature spec hash is {FeatureSpec.Hash}.") { ModelPath = _modelPath, Reason = "spec_mismatch" };
            }

            if (manifest.ModelVersion != scorer.ModelVersion)
            {
                throw new ModelLoadException($"Model manifest '{_manifestPath}' describes version {manifest.ModelVersion}, but '{_modelPath}' is version {scorer.ModelVersion}; deploy both files together.") { ModelPath = _modelPath, Reason = "version_mismatch" };
            }

            var segments = _options.SegmentsPath is not null || File.Exists(_segmentsPath) ? SegmentCentroids.Load(_segmentsPath) : null;
            if (segments is not null && segments.Dimension != scorer.EmbeddingSize)
            {
                throw new ModelLoadException($"Segments file '{_segmentsPath}' has centroids of {segments.Dimension} values, but the model's embedding has {scorer.EmbeddingSize}.") { ModelPath = _modelPath, Reason = "invalid_segments" };
            }

            WarmUp(scorer);
            _logger.ModelLoaded(scorer.ModelVersion, _modelPath, scorer.ActiveProvider, scorer.SpecHash);
            return new ModelSnapshot(scorer, manifest, segments, _timeProvider.GetUtcNow(), generation);
        }
        catch
        {
            scorer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The scorer settings of <paramref name="options"/>: the one place the bound <see cref="InferenceOptions"/> turn into
    /// the <see cref="OnnxScorerOptions"/> every load uses. The scorer keeps its own options type so training, tools and
    /// benchmarks can create one without the host; calibration and buffer sizing keep the scorer's defaults here.
    /// </summary>
    internal static OnnxScorerOptions ScorerOptionsFor(InferenceOptions options) => new()
    {
        Device = options.Device,
        CudaDeviceId = options.CudaDeviceId,
        IntraOpThreads = options.IntraOpThreads,
        InterOpThreads = options.InterOpThreads,
        AllowSpinning = options.AllowSpinning,
    };

    private ModelManifest ReadManifest()
    {
        try
        {
            return ModelManifest.Read(_manifestPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException($"Model manifest '{_manifestPath}' cannot be read: {e.Message}", e) { ModelPath = _modelPath, Reason = "manifest_unreadable" };
        }
    }

    // One dummy batch (an unknown user's empty features) runs ONNX Runtime's lazy initialisation (memory
    // arenas, CUDA kernels) before the swap, so the first real batch on the new version is not slow.
    private static void WarmUp(OnnxScorer scorer)
    {
        var batch = new FeatureBatch(1) { Count = 1 };
        batch.Write(0, new UserWindowState());
        Span<float> scores = stackalloc float[FeatureSpec.Heads.Count];
        try
        {
            scorer.Score(batch.Tokens, batch.Mask, batch.Aggregates, 1, scores, []);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ModelLoadException($"Model '{scorer.ModelPath}' failed its warm-up batch: {e.Message}", e) { ModelPath = scorer.ModelPath, Reason = "warmup_failed" };
        }
    }
}
