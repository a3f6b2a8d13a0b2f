using StreamScoring.Core.Events;

namespace StreamScoring.Simulator.Tests.Campaigns;

/// <summary>The simulator's planted campaign: who is exposed, what their events carry, and what stays unchanged.</summary>
public sealed class CampaignPlanTests
{
    private static readonly SimulatorOptions Plain = new() { Seed = 11, Users = 400, Days = 9 };
    private static readonly SimulatorOptions WithCampaign = Plain with { Campaign = new CampaignPlan() };

    [Fact]
    public void Generate_WithCampaign_OnlyExposedHonestUsersCarryItAndOnlyFromItsStart()
    {
        var events = ClickstreamSimulator.Generate(WithCampaign).ToList();
        var start = WithCampaign.Start + WithCampaign.Campaign!.StartOffset;
        var carrying = events.Where(e => e.Event.CampaignId == "cmp-planted").ToList();

        Assert.NotEmpty(carrying);
        Assert.All(carrying, e => Assert.True(e.Event.Timestamp >= start));
        Assert.All(carrying, e => Assert.True(CampaignPlan.Targets(e.Labels.Behaviour)));
        // Exposed users carry it on every event from the start on; the share exposed is about half of those targeted.
        var exposed = carrying.Select(e => e.Event.UserId).ToHashSet(StringComparer.Ordinal);
        Assert.All(events.Where(e => exposed.Contains(e.Event.UserId) && e.Event.Timestamp >= start), e => Assert.Equal("cmp-planted", e.Event.CampaignId));
        var targetedActive = events.Where(e => CampaignPlan.Targets(e.Labels.Behaviour) && e.Event.Timestamp >= start).Select(e => e.Event.UserId).Distinct().Count();
        Assert.InRange((double)exposed.Count / targetedActive, 0.4, 0.6);
    }

    [Fact]
    public void Generate_WithCampaign_EffectEventsArePurchaseFunnelsOfExposedUsers()
    {
        var effect = ClickstreamSimulator.Generate(WithCampaign).Where(e => e.Labels.CampaignEffect).ToList();

        Assert.NotEmpty(effect);
        Assert.All(effect, e => Assert.Equal("cmp-planted", e.Event.CampaignId));
        Assert.Equal(effect.Count / 4, effect.Count(e => e.Event.Type == EventType.Purchase));
        // Loyal buyers have no planted effect (the null segment).
        Assert.DoesNotContain(effect, e => e.Labels.Behaviour == Behaviour.LoyalBuyer);
    }

    [Fact]
    public void Generate_WithCampaign_HistoryWithoutTheEffectEqualsTheRunWithoutIt()
    {
        var without = ClickstreamSimulator.Generate(Plain).Select(e => e.Event).ToList();
        var with = ClickstreamSimulator.Generate(WithCampaign).Where(e => !e.Labels.CampaignEffect).Select(e => e.Event).ToList();

        // Event ids count a user's events, so they move; everything else but the campaign id is the same event.
        Assert.Equal(without.Count, with.Count);
        Assert.Equal(
            without.Select(e => e with { EventId = "", CampaignId = null }).OrderBy(e => e.UserId, StringComparer.Ordinal).ThenBy(e => e.TimestampMs),
            with.Select(e => e with { EventId = "", CampaignId = null }).OrderBy(e => e.UserId, StringComparer.Ordinal).ThenBy(e => e.TimestampMs));
    }

    [Fact]
    public void Generate_WithoutCampaign_NoEffectAndNoPlantedId()
    {
        var events = ClickstreamSimulator.Generate(Plain).ToList();

        Assert.DoesNotContain(events, e => e.Labels.CampaignEffect || e.Event.CampaignId == "cmp-planted");
    }

    [Fact]
    public void Validate_CampaignStartingAfterTheRun_Throws()
    {
        var options = Plain with { Campaign = new CampaignPlan { StartOffset = TimeSpan.FromDays(9) } };

        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(options.Validate);
    }
}
