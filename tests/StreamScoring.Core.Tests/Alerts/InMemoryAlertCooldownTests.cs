using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Alerts;

namespace StreamScoring.Core.Tests.Alerts;

public sealed class InMemoryAlertCooldownTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task IsCoolingDownAsync_BeforeAnyAlert_IsFalse()
    {
        var sut = new InMemoryAlertCooldown(_time);

        Assert.False(await sut.IsCoolingDownAsync("fraud", "u1"));
    }

    [Fact]
    public async Task StartAsync_HoldsThatHeadAndUserUntilTheCooldownEnds()
    {
        var sut = new InMemoryAlertCooldown(_time);

        await sut.StartAsync("fraud", "u1", TimeSpan.FromMinutes(10));

        Assert.True(await sut.IsCoolingDownAsync("fraud", "u1"));
        Assert.False(await sut.IsCoolingDownAsync("churn", "u1"));
        Assert.False(await sut.IsCoolingDownAsync("fraud", "u2"));
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
        Assert.False(await sut.IsCoolingDownAsync("fraud", "u1"));
    }

    [Fact]
    public async Task StartAsync_WhileCoolingDown_KeepsTheFirstEnd()
    {
        var sut = new InMemoryAlertCooldown(_time);
        await sut.StartAsync("fraud", "u1", TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromMinutes(9));

        await sut.StartAsync("fraud", "u1", TimeSpan.FromMinutes(10));
        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromMilliseconds(1));

        Assert.False(await sut.IsCoolingDownAsync("fraud", "u1"));
    }
}
