using StreamScoring.Tools.Demo;

namespace StreamScoring.Tools.Tests.Demo;

/// <summary>
/// The demo's policy for a missing redis-server (<see cref="Prerequisites"/>): install it when this process may,
/// otherwise stop with one line naming the command. The machine's probes (PATH lookup, privilege, apt-get) are
/// passed in, so no test installs anything; the real probes are exercised by running the demo.
/// </summary>
public sealed class DemoPrerequisitesTests
{
    private readonly List<string> _aptCalls = [];
    private bool _installed;

    [Fact]
    public void EnsureRedisServer_Installed_RunsNothing()
    {
        _installed = true;
        using var error = new StringWriter();

        Assert.True(CreateSut(error, canInstall: null, aptSucceeds: true));

        Assert.Empty(_aptCalls);
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void EnsureRedisServer_MissingWithoutPrivilege_StopsWithOneLineNamingTheCommand()
    {
        using var error = new StringWriter();

        Assert.False(CreateSut(error, canInstall: null, aptSucceeds: true));

        Assert.Empty(_aptCalls);
        Assert.Equal("error: redis-server is required: run 'sudo apt-get install -y redis-server'" + Environment.NewLine, error.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sudo")]
    public void EnsureRedisServer_MissingWithPrivilege_InstallsWithAptGet(string prefix)
    {
        using var error = new StringWriter();

        Assert.True(CreateSut(error, canInstall: prefix, aptSucceeds: true));

        Assert.Equal([$"{prefix}|install -y redis-server"], _aptCalls);
    }

    [Fact]
    public void EnsureRedisServer_InstallFailsAndUpdateDoesNotHelp_UpdatesOnceAndReportsTheFailure()
    {
        using var error = new StringWriter();

        Assert.False(CreateSut(error, canInstall: "sudo", aptSucceeds: false));

        Assert.Equal(["sudo|install -y redis-server", "sudo|update"], _aptCalls);
        Assert.EndsWith("error: redis-server is required: 'sudo apt-get install -y redis-server' failed" + Environment.NewLine, error.ToString(), StringComparison.Ordinal);
    }

    private bool CreateSut(StringWriter error, string? canInstall, bool aptSucceeds) =>
        Prerequisites.EnsureRedisServer(
            error,
            () => _installed ? "/usr/bin/redis-server" : null,
            () => canInstall,
            (prefix, arguments) =>
            {
                _aptCalls.Add($"{prefix}|{string.Join(' ', arguments)}");
                _installed |= aptSucceeds && arguments[0] == "install";
                return aptSucceeds;
            });
}
