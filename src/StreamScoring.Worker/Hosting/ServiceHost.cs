using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
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
        // Live: the process answers and no consumer loop or pipeline stage is wedged (LivenessCheck).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains("live"), ResponseWriter = WriteStatusAndReasons });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = static check => check.Tags.Contains("ready"), ResponseWriter = WriteStatusAndReasons });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    // "Unhealthy: pipeline stuck: ..." rather than the bare status, so a person reading a probe failure (kubectl
    // describe, curl) sees why. The checks' descriptions are fixed words, never exception text or user ids.
    private static Task WriteStatusAndReasons(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        var reasons = report.Entries.Values.Select(static e => e.Description).Where(static d => !string.IsNullOrEmpty(d));
        var text = report.Status.ToString();
        if (string.Join("; ", reasons) is { Length: > 0 } joined)
        {
            text += ": " + joined;
        }

        return context.Response.WriteAsync(text);
    }
}
