using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamScoring.Worker.Internal;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Hosting;

/// <summary>Builds the service: configuration, JSON logs, <see cref="StreamScoringServiceCollectionExtensions.AddStreamScoring"/>, endpoints.</summary>
public static class ServiceHost
{
    /// <summary>
    /// Builds the web host. Configuration: <c>appsettings.json</c> beside the binary, the JSON files of the
    /// <c>Config:Directory</c> directory (re-read while running, see <see cref="ConfigurationDirectory"/>), environment
    /// variables (<c>Kafka__Common__sasl.username</c>), then <paramref name="args"/>
    /// (<c>--Kafka:Common:bootstrap.servers=...</c>), then <paramref name="overrides"/> (the demo's).
    /// </summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfigurationDirectory(); // Config:Directory: a mounted ConfigMap, re-read while running
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.ClearProviders();
        if (logging is null)
        {
            builder.Logging.AddJsonConsole(); // structured logs; user ids never appear in them
        }
        else
        {
            logging(builder.Logging);
        }

        builder.Services.AddStreamScoring(builder.Configuration);
        // Scoring:* is re-read while running: an invalid edit is refused and logged, the last valid values stay.
        builder.Services.AddSingleton<IOptionsMonitor<ScoringOptions>, LastValidOptionsMonitor<ScoringOptions>>();
        var app = builder.Build();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static _ => false }); // live: the process answers
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains("ready") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
