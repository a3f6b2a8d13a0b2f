using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Tools.Bench;
using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Bench;

/// <summary>
/// The saturated-scoring phase's traffic: so that scoring is the work, its events come from many users with a few
/// events each (one-day simulator runs), not from the drain's ~2,000 users with ~50 events each.
/// </summary>
public sealed class BenchSaturatedTrafficTests
{
    private const int Count = 20_000;

    [Fact]
    public void Traffic_ManyMoreUsersThanTheDrainsTraffic_AllValid()
    {
        var drain = new DemoTraffic(seed: 7, malformedShare: 0);
        drain.Prepare(Count);

        var saturated = BenchSaturatedScoring.Traffic(Count);

        var (drainUsers, saturatedUsers) = (DistinctUsers(drain), DistinctUsers(saturated));
        Assert.True(saturatedUsers >= 3 * drainUsers, $"saturated traffic: {saturatedUsers} users, the drain's: {drainUsers}");
        Assert.True(Count / (double)saturatedUsers <= BenchSaturatedScoring.EventsPerUser, $"{Count / (double)saturatedUsers:F1} events a user");
        Assert.Equal(Count, saturated.Count);
        Assert.All(Enumerable.Range(0, Count), i =>
        {
            var (key, value) = saturated.Message(i);
            Assert.True(ClickEventParser.TryParse(key, value, out _, out var error), $"message {i}: {error}");
        });
    }

    [Fact]
    public void Traffic_UsersOfTheirOwn_NoneSharedWithTheDrain()
    {
        var drain = new DemoTraffic(seed: 7, malformedShare: 0);
        drain.Prepare(Count);

        var saturated = BenchSaturatedScoring.Traffic(Count);

        Assert.Empty(Users(drain).Intersect(Users(saturated)));
    }

    private static int DistinctUsers(DemoTraffic traffic) => Users(traffic).Count;

    private static HashSet<string> Users(DemoTraffic traffic)
    {
        var users = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < traffic.Count; i++)
        {
            users.Add(Encoding.UTF8.GetString(traffic.Message(i).Key));
        }

        return users;
    }
}
