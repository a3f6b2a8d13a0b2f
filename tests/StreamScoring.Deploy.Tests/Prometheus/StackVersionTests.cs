using System.Text.RegularExpressions;
using StreamScoring.Deploy.Tests.Chart;
using StreamScoring.Deploy.Tests.Support;
using StreamScoring.Embedded;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Prometheus;

/// <summary>
/// The compose stack runs the Prometheus and Alertmanager versions the tests run (promtool rule tests, the live
/// monitoring tests): an image tag and the installed binary that part means the stack runs something untested.
/// </summary>
public sealed partial class StackVersionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("prometheus", "prom/prometheus", "prometheus", "prometheus")]
    [InlineData("promtool", "prom/prometheus", "promtool", "prometheus")]
    [InlineData("alertmanager", "prom/alertmanager", "prometheus-alertmanager", AlertmanagerProcess.Package)]
    public async Task ComposeImage_MatchesTestedBinary(string service, string image, string program, string package)
    {
        var composeService = service == "promtool" ? "prometheus" : service;
        var imageVersion = ComposeImageVersion(composeService, image);
        var binary = RequiredProgram.Find(program, package);

        var (exitCode, output) = await RequiredProgram.RunAsync(binary, ["--version"], RepositoryPaths.Root, Timeout);

        Assert.True(exitCode == 0, output);
        Assert.Equal(imageVersion, BinaryVersion(output));
    }

    [Theory]
    [InlineData("prometheus, version 2.42.0+ds (branch: debian/sid, revision: 2.42.0+ds-5+deb12u1)", "2.42.0")]
    [InlineData("promtool, version 3.1.0 (branch: HEAD, revision: 7f8f8ea)", "3.1.0")]
    [InlineData("alertmanager, version 0.25.0 (branch: debian/sid, revision: 0.25.0-1+b4)", "0.25.0")]
    public void BinaryVersion_ReadsUpstreamVersion(string output, string expected) =>
        Assert.Equal(expected, BinaryVersion(output));

    [Fact]
    public void ComposeImageVersion_ReadsPinnedTag()
    {
        Assert.Matches(@"^\d+\.\d+\.\d+$", ComposeImageVersion("prometheus", "prom/prometheus"));
        Assert.Matches(@"^\d+\.\d+\.\d+$", ComposeImageVersion("alertmanager", "prom/alertmanager"));
    }

    /// <summary>The version in <c>image: IMAGE:vX.Y.Z</c> of a compose service (a missing or unpinned tag fails).</summary>
    private static string ComposeImageVersion(string service, string image)
    {
        var compose = YamlJson.Load(DeployPaths.Compose)!;
        var reference = compose["services"]?[service]?["image"]?.GetValue<string>()
            ?? throw new Xunit.Sdk.XunitException($"deploy/docker-compose.yml has no image for service {service}");
        var match = ImageTag().Match(reference);
        Assert.True(match.Success && match.Groups["image"].Value == image,
            $"service {service}: image '{reference}' is not {image}:vX.Y.Z (pin an exact version)");
        return match.Groups["version"].Value;
    }

    /// <summary>The upstream version from a Prometheus-style <c>--version</c> line (a distribution's <c>+ds</c> suffix dropped).</summary>
    private static string BinaryVersion(string output)
    {
        var match = VersionLine().Match(output);
        Assert.True(match.Success, $"no version in: {output}");
        return match.Groups["version"].Value;
    }

    [GeneratedRegex(@"^(?<image>[^:]+):v(?<version>\d+\.\d+\.\d+)$")]
    private static partial Regex ImageTag();

    [GeneratedRegex(@"version (?<version>\d+\.\d+\.\d+)")]
    private static partial Regex VersionLine();
}
