using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StreamScoring.Core.Campaigns;

namespace StreamScoring.Worker.Campaigns;

/// <summary>Registers the live campaign statistics.</summary>
public static class CampaignStatsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="CampaignStatsOptions"/> from <c>Campaigns</c> (validated at start) and registers the
    /// <see cref="CampaignEffectAggregator"/>, <see cref="CampaignTelemetry"/> and, unless <c>Campaigns:Enabled</c> is
    /// false, the <see cref="CampaignStatsPublisher"/> as a hosted service.
    /// </summary>
    public static IServiceCollection AddCampaignStats(this IServiceCollection services, bool enabled)
    {
        services.AddOptions<CampaignStatsOptions>().BindConfiguration(CampaignStatsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(static sp => new CampaignEffectAggregator(sp.GetRequiredService<IOptions<CampaignStatsOptions>>().Value.ToSettings()));
        services.AddSingleton(static sp =>
        {
            var aggregator = sp.GetRequiredService<CampaignEffectAggregator>();
            return new CampaignTelemetry(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
                () => aggregator.TrackedUsers, () => aggregator.TrackedCampaigns, () => aggregator.DroppedCampaignEvents);
        });
        services.AddSingleton<CampaignStatsPublisher>();
        if (enabled)
        {
            services.AddHostedService(static sp => sp.GetRequiredService<CampaignStatsPublisher>());
        }

        return services;
    }
}
