using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using StreamScoring.Worker.Pipeline;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.Worker.Telemetry;

/// <summary>
/// Observable instruments over the worker's own state, on the worker's meter (<see cref="StreamScoringTelemetry.MeterName"/>;
/// the meter factory hands out the same <see cref="Meter"/> for the same name): the micro-batcher's counters and the state
/// of each dependency's circuit breaker, read at each collection.
/// </summary>
/// <remarks>
/// A separate class from <see cref="StreamScoringTelemetry"/> because the objects it observes are themselves built on that
/// telemetry (they count their failures there). The host creates one instance beside the pipeline.
/// </remarks>
public sealed class PipelineStateTelemetry
{
    /// <summary>Creates the instruments over <paramref name="pipeline"/>'s micro-batcher and <paramref name="dependencies"/>' breakers.</summary>
    public PipelineStateTelemetry(IMeterFactory meterFactory, ScoringPipeline pipeline, DependencyPipelines dependencies)
        : this(meterFactory, (pipeline ?? throw new ArgumentNullException(nameof(pipeline))).Batcher, dependencies)
    {
    }

    internal PipelineStateTelemetry(IMeterFactory meterFactory, MicroBatcher<string> batcher, DependencyPipelines dependencies)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(batcher);
        ArgumentNullException.ThrowIfNull(dependencies);
        var meter = Meter = meterFactory.Create(StreamScoringTelemetry.MeterName);
        // The batcher never drops (its producers wait), so there is no dropped counter: the difference is the queue.
        meter.CreateObservableCounter("streamscoring.batcher_items_received", () => batcher.Received, "{user}", "Users handed to the micro-batcher.");
        meter.CreateObservableCounter("streamscoring.batcher_items_processed", () => batcher.Processed, "{user}", "Users the micro-batcher emitted in batches (received - processed = queued; nothing is dropped).");
        meter.CreateObservableGauge("streamscoring.circuit_breaker_open", () => dependencies.All.Select(static p => new Measurement<int>(
            p.State is CircuitState.Open or CircuitState.Isolated ? 1 : 0,
            new KeyValuePair<string, object?>(StreamScoringTelemetry.DependencyTag, p.Name))), null, "1 while the dependency's circuit breaker is open (consumption paused, readiness false), else 0; by dependency.");
    }

    /// <summary>The meter holding the instruments (the worker's).</summary>
    public Meter Meter { get; }
}
