using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>The demo's readable campaign lines: an estimate with its interval, or a plain "none" where a side has too few users.</summary>
public sealed class DemoVerdictTests
{
    [Fact]
    public void CampaignLine_WithEstimate_PrintsUpliftAndInterval()
    {
        var cell = new DemoCampaignCell
        {
            Segment = "browsers", Window = "24h", TreatedUsers = 334, ControlUsers = 392,
            TreatedConversion = 0.033, ControlConversion = 0.008, Uplift = 0.029, CiLow = 0.008, CiHigh = 0.049,
        };

        Assert.Equal(
            "  cmp-demo 24h browsers: reached 334 (control 392), conversion 3.3 % vs 0.8 %, uplift +0.029 [+0.008, +0.049] (CUPED, 95 %)",
            DemoVerdict.CampaignLine("cmp-demo", cell));
    }

    [Fact]
    public void CampaignLine_TooFewUsersOnASide_SaysThereIsNoEstimate()
    {
        // The estimator gives none below MinUsersPerArm (2): the demo printed "uplift  [, ]" for such a cell.
        var cell = new DemoCampaignCell { Segment = "cart-shy new visitors", Window = "1h", TreatedUsers = 3, ControlUsers = 1, TreatedConversion = 0, ControlConversion = 0 };

        var line = DemoVerdict.CampaignLine("cmp-demo", cell);

        Assert.EndsWith("uplift none (fewer than 2 users on a side)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("[,", line, StringComparison.Ordinal);
    }
}
