using StreamScoring.Core.Campaigns;
using StreamScoring.Core.Events;
using Xunit.Abstractions;

namespace StreamScoring.Simulator.Tests.Campaigns;

/// <summary>
/// Issue 20, part 3: the live uplift estimate against the planted truth. Over seeded runs with a campaign, the
/// aggregator's 95 % interval for each (segment, 24 h window) must contain the true uplift in at least 90 % of cases,
/// and CUPED must narrow the interval on average.
/// </summary>
/// <remarks>
/// The truth of one run and segment is the uplift the simulator planted, as realised: over the treated users the
/// aggregator counts (exposed, active in the window), the mean of Y(exposed) - Y(unexposed), where Y(unexposed) is the
/// same user's conversion without the events labelled <see cref="EventLabels.CampaignEffect"/> (the rest of the history
/// is the same as without the campaign, tested in <see cref="CampaignPlanTests"/>). It is computed here from the labels
/// with plain LINQ, independently of the aggregator's buckets.
/// </remarks>
public sealed class PlantedUpliftTests(ITestOutputHelper output)
{
    private const int Runs = 24;
    private const string CampaignId = "cmp-planted";

    [Fact]
    public void Snapshot_SeededCampaignRuns_IntervalCoversPlantedUpliftAndCupedIsNarrower()
    {
        var window = TimeSpan.FromHours(24);
        var results = new List<(Behaviour Segment, double Truth, UpliftInterval Plain, UpliftInterval Cuped)>();
        for (var seed = 1; seed <= Runs; seed++)
        {
            var options = new SimulatorOptions { Seed = 1000 + seed, Users = 2500, Days = 9, Campaign = new CampaignPlan() };
            var events = ClickstreamSimulator.Generate(options).ToList();
            var aggregator = new CampaignEffectAggregator(new CampaignEffectSettings { Windows = [window] });
            foreach (var labelled in events)
            {
                aggregator.Observe(labelled.Event);
                aggregator.SetSegment(labelled.Event.UserId, (int)labelled.Labels.Behaviour);
            }

            foreach (var cell in aggregator.Snapshot(options.End).Where(c => c.Campaign == CampaignId))
            {
                if (cell.Plain is { } plain && cell.Cuped is { } cuped)
                {
                    results.Add(((Behaviour)cell.Segment, Truth(events, cell), plain, cuped));
                }
            }
        }

        var plainCovered = results.Count(r => r.Plain.Contains(r.Truth)) / (double)results.Count;
        var cupedCovered = results.Count(r => r.Cuped.Contains(r.Truth)) / (double)results.Count;
        var plainWidth = results.Average(r => r.Plain.Width);
        var cupedWidth = results.Average(r => r.Cuped.Width);
        output.WriteLine($"{results.Count} intervals over {Runs} runs: plain covers {plainCovered:P1} (mean width {plainWidth:F4}), CUPED covers {cupedCovered:P1} (mean width {cupedWidth:F4})");
        foreach (var segment in results.GroupBy(r => r.Segment))
        {
            output.WriteLine($"  {segment.Key.ToWireName()}: {segment.Count()} runs, mean truth {segment.Average(r => r.Truth):F4}, mean plain {segment.Average(r => r.Plain.Estimate):F4}, mean CUPED {segment.Average(r => r.Cuped.Estimate):F4}, theta {segment.Average(r => r.Cuped.Theta):F3}, covered {segment.Count(r => r.Cuped.Contains(r.Truth))}");
        }

        // Every targeted segment with users in the window is measured in most runs.
        Assert.True(results.Count >= 3 * Runs, $"only {results.Count} intervals");
        Assert.True(plainCovered >= 0.90, $"plain interval covered the truth in {plainCovered:P1}");
        Assert.True(cupedCovered >= 0.90, $"CUPED interval covered the truth in {cupedCovered:P1}");
        Assert.True(cupedWidth < plainWidth, $"CUPED mean width {cupedWidth:F4} is not below plain {plainWidth:F4}");

        // The estimates track the planted effect, not just wide intervals: the segment with the strongest lift shows a
        // clearly positive uplift, and the segment with none has a truth of exactly 0.
        var shoppers = results.Where(r => r.Segment == Behaviour.ConvertingShopper).ToList();
        Assert.True(shoppers.Average(r => r.Truth) > 0.03);
        Assert.True(shoppers.Count(r => r.Cuped.Low > 0) >= shoppers.Count / 2);
        Assert.All(results.Where(r => r.Segment == Behaviour.LoyalBuyer), r => Assert.Equal(0, r.Truth));
    }

    private static double Truth(List<LabelledEvent> events, CampaignWindowStats cell)
    {
        var from = cell.Start.ToUnixTimeMilliseconds();
        var to = cell.End.ToUnixTimeMilliseconds();
        var exposedBefore = events.Where(e => e.Event.CampaignId == CampaignId && e.Event.TimestampMs < to)
            .Select(e => e.Event.UserId).ToHashSet(StringComparer.Ordinal);
        var treated = events
            .Where(e => e.Event.TimestampMs >= from && e.Event.TimestampMs < to && (int)e.Labels.Behaviour == cell.Segment && exposedBefore.Contains(e.Event.UserId))
            .GroupBy(e => e.Event.UserId, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(cell.Treated.Users, treated.Count);
        var purchased = treated.Count(u => u.Any(e => e.Event.Type == EventType.Purchase));
        var purchasedWithout = treated.Count(u => u.Any(e => e.Event.Type == EventType.Purchase && !e.Labels.CampaignEffect));
        return (purchased - purchasedWithout) / (double)treated.Count;
    }
}
