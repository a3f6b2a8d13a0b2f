using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using StreamScoring.Kafka;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Resilience;

/// <summary>
/// The resilience pipeline of one outside dependency: retry (jittered exponential backoff, without limit for
/// transient failures) around a circuit breaker around a timeout per call. While the breaker is open the
/// dependency's name holds the <see cref="ConsumptionGate"/> closed, so the consumer loops pause their partitions
/// instead of filling the pipeline with events that cannot be processed, and readiness reports it.
/// </summary>
/// <remarks>
/// Built once per dependency; the lambdas passed to <see cref="ExecuteAsync{TState}"/> should be static with
/// their state passed explicitly (no closure per call). A non-transient failure (a bug) is not retried: it
/// propagates to the stage, whose supervisor stops the process.
/// </remarks>
public sealed partial class DependencyPipeline
{
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly ConsumptionGate _gate;
    private readonly StreamScoringTelemetry _telemetry;
    private readonly ILogger _logger;
    private long _failures;

    /// <summary>Creates the pipeline of dependency <paramref name="name"/>.</summary>
    public DependencyPipeline(string name, DependencyOptions options, ConsumptionGate gate, StreamScoringTelemetry telemetry, ILogger logger, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _gate = gate;
        _telemetry = telemetry;
        _logger = logger;
        var handled = new PredicateBuilder().Handle<Exception>(TransientFailures.IsTransient);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handled,
                MaxRetryAttempts = int.MaxValue, // transient failures are waited out; shutdown cancels the wait
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = args =>
                {
                    OnFailure(args.AttemptNumber, args.Outcome.Exception);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handled,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
                StateProvider = _state,
                OnOpened = _ =>
                {
                    _gate.Close(Name);
                    LogBreakerOpened(_logger, Name, options.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    LogBreakerHalfOpen(_logger, Name);
                    return default;
                },
                OnClosed = _ =>
                {
                    _gate.Open(Name);
                    LogBreakerClosed(_logger, Name);
                    return default;
                },
            })
            .AddTimeout(options.Timeout)
            .Build();
    }

    /// <summary>The dependency's name: the <c>dependency</c> tag of its metrics and the gate's reason.</summary>
    public string Name { get; }

    /// <summary>The breaker's state now.</summary>
    public CircuitState State => _state.CircuitState;

    /// <summary>Runs <paramref name="call"/> through the pipeline.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (shutdown).</exception>
    public ValueTask ExecuteAsync<TState>(Func<TState, CancellationToken, ValueTask> call, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(call, state, cancellationToken);

    /// <summary>Runs <paramref name="call"/> through the pipeline and returns its result.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (shutdown).</exception>
    public ValueTask<TResult> ExecuteAsync<TResult, TState>(Func<TState, CancellationToken, ValueTask<TResult>> call, TState state, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(call, state, cancellationToken);

    /// <summary>Failed attempts so far (each one retried): a count that moves means the dependency is being waited out.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    private void OnFailure(int attempt, Exception? exception)
    {
        Interlocked.Increment(ref _failures);
        _telemetry.DependencyFailed(Name);
        // The first failure of a streak and then every 20th: an outage is visible without a line per retry.
        if (attempt % 20 == 0 && exception is not null)
        {
            // The type only: client messages can carry key names, and key names carry user ids.
            LogRetrying(_logger, Name, exception.GetType(), attempt + 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Dependency} call failed ({ExceptionType}); retrying with backoff (attempt {Attempt}) until it recovers")]
    private static partial void LogRetrying(ILogger logger, string dependency, Type exceptionType, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit breaker for {Dependency} opened: consumption paused, readiness false; trying again in {BreakDuration}")]
    private static partial void LogBreakerOpened(ILogger logger, string dependency, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker for {Dependency} half-open: one trial call")]
    private static partial void LogBreakerHalfOpen(ILogger logger, string dependency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit breaker for {Dependency} closed: consumption resumes")]
    private static partial void LogBreakerClosed(ILogger logger, string dependency);
}
