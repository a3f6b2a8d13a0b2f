namespace StreamScoring.Core.Campaigns;

/// <summary>
/// One (campaign, segment, window) cell: the treated arm (users of the segment exposed to the campaign and active in
/// the window) against the control arm (users of the same segment active in the window and never exposed to it).
/// </summary>
/// <param name="Campaign">The campaign id (the events' <c>campaign_id</c>).</param>
/// <param name="CampaignStart">When this aggregator first saw the campaign (event time): windows never start earlier, and the covariate is measured before it.</param>
/// <param name="Segment">The users' segment id (<see cref="CampaignEffectAggregator.UnknownSegment"/> before a user's first score).</param>
/// <param name="Window">The window's nominal length.</param>
/// <param name="Start">The window's start (event time, inclusive): the later of end minus the window and the campaign's start, on a minute boundary.</param>
/// <param name="End">The window's end (event time, exclusive).</param>
/// <param name="Treated">Sufficient statistics of the treated users.</param>
/// <param name="Control">Sufficient statistics of the control users.</param>
public sealed record CampaignWindowStats(
    string Campaign, DateTimeOffset CampaignStart, int Segment, TimeSpan Window, DateTimeOffset Start, DateTimeOffset End,
    CampaignArmStats Treated, CampaignArmStats Control)
{
    /// <summary>The plain uplift (difference in conversion rate) with its 95 % interval, or null.</summary>
    public UpliftInterval? Plain => CampaignEffectEstimator.Plain(Treated, Control);

    /// <summary>The CUPED-adjusted uplift with its 95 % interval, or null.</summary>
    public UpliftInterval? Cuped => CampaignEffectEstimator.Cuped(Treated, Control);
}
