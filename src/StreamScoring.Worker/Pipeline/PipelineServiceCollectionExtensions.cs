using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StreamScoring.Inference.Serving;
using StreamScoring.Worker.Alerts;
using StreamScoring.Worker.Telemetry;

namespace StreamScoring.Worker.Pipeline;

/// <summary>Registers the scoring pipeline's pure pieces.</summary>
internal static class PipelineServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ScoringOptions"/> from <c>Scoring</c> (validated at start: a bad value stops the host with a
    /// message naming the key), registers <see cref="TimeProvider.System"/> (unless one is registered),
    /// <see cref="StreamScoringTelemetry"/>, <see cref="ScoreDebouncer"/> and <see cref="AlertDecider"/> as singletons,
    /// and adds model serving (<see cref="InferenceServiceCollectionExtensions.AddOnnxInference"/>: the
    /// <c>Inference</c> options and the <see cref="ModelHost"/>, a hosted service so a model that cannot be served
    /// stops the worker at start).
    /// </summary>
    public static IServiceCollection AddScoringPipeline(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<ScoringOptions>().BindConfiguration(ScoringDefaults.ScoringSection).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoringOptions>, ScoringOptionsValidator>());
        services.TryAddSingleton<StreamScoringTelemetry>();
        services.TryAddSingleton<ScoreDebouncer>();
        services.TryAddSingleton<AlertDecider>();
        services.AddOnnxInference();
        return services;
    }
}
