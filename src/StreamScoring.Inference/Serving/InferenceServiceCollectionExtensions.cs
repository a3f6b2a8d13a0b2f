using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StreamScoring.Inference.Serving;

/// <summary>Registers model serving: the bound options, the host with hot reload, its telemetry.</summary>
public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="InferenceOptions"/> from <c>Inference</c> (<see cref="InferenceDefaults.SectionName"/>; validated
    /// at start: a bad value stops the host with a message naming the key), and registers
    /// <see cref="TimeProvider.System"/> (unless one is registered), <see cref="InferenceTelemetry"/> and
    /// <see cref="ModelHost"/> as singletons, the host also as a hosted service so a model that cannot be served stops
    /// the process at start. Export the metrics by adding <see cref="InferenceTelemetry.MeterName"/> to the meter provider.
    /// </summary>
    public static IServiceCollection AddOnnxInference(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceDefaults.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<InferenceTelemetry>();
        services.TryAddSingleton<ModelHost>();
        services.AddHostedService(static sp => sp.GetRequiredService<ModelHost>());
        return services;
    }
}
