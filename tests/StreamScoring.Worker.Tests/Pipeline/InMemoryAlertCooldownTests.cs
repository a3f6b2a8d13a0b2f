using Microsoft.Extensions.Time.Testing;
using StreamScoring.Worker.Pipeline;

namespace StreamScoring.Worker.Tests.Pipeline;

public sealed class InMemoryAlertCooldownTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task TryAcquireAsync_WithinCooldown_OnlyFirstCallerWinsUntilItExpires()
    {
        var sut = new InMemoryAlertCooldown(_time);

        Assert.True(await sut.TryAcquireAsync("fraud", "u1", TimeSpan.FromMinutes(10)));
        Assert.False(await sut.TryAcquireAsync("fraud", "u1", TimeSpan.FromMinutes(10)));
        Assert.True(await sut.TryAcquireAsync("churn", "u1", TimeSpan.FromMinutes(10)));
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1));
        Assert.True(await sut.TryAcquireAsync("fraud", "u1", TimeSpan.FromMinutes(10)));
    }

    [Fact]
    public async Task ReleaseAsync_AfterAnUnpublishedAlert_TheNextCallerWinsAtOnce()
    {
        var sut = new InMemoryAlertCooldown(_time);
        Assert.True(await sut.TryAcquireAsync("fraud", "u1", TimeSpan.FromMinutes(10)));
        Assert.True(await sut.TryAcquireAsync("fraud", "u2", TimeSpan.FromMinutes(10)));

        await sut.ReleaseAsync("fraud", "u1");

        Assert.True(await sut.TryAcquireAsync("fraud", "u1", TimeSpan.FromMinutes(10)));
        Assert.False(await sut.TryAcquireAsync("fraud", "u2", TimeSpan.FromMinutes(10)));
    }
}
