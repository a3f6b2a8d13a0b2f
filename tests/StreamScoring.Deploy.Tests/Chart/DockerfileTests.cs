using System.Text.Json;
using System.Text.RegularExpressions;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Chart;

/// <summary>The images build with the SDK that global.json pins.</summary>
public sealed partial class DockerfileTests
{
    [Theory]
    [InlineData("Dockerfile")]
    [InlineData("Dockerfile.tools")]
    public void Dockerfile_SdkImage_IsGlobalJsonSdk(string file)
    {
        using var globalJson = JsonDocument.Parse(File.ReadAllBytes(RepositoryPaths.File("global.json")));
        var pinned = globalJson.RootElement.GetProperty("sdk").GetProperty("version").GetString();
        var text = File.ReadAllText(RepositoryPaths.File("deploy", file));

        var sdkVersion = SdkVersionArg().Match(text);
        Assert.True(sdkVersion.Success, $"{file}: no ARG SDK_VERSION");
        Assert.Equal(pinned, sdkVersion.Groups["version"].Value);
        var from = SdkFrom().Matches(text).Select(m => m.Groups["tag"].Value).ToList();
        Assert.NotEmpty(from);
        Assert.All(from, tag => Assert.Equal("${SDK_VERSION}", tag));
    }

    [Fact]
    public void Dockerfile_CudaBase_IsTheSmallestCudaImage()
    {
        var text = File.ReadAllText(RepositoryPaths.File("deploy", "Dockerfile"));

        var cuda = CudaImageArg().Match(text);
        Assert.True(cuda.Success, "no ARG CUDA_IMAGE");
        Assert.Contains("-base-", cuda.Groups["image"].Value, StringComparison.Ordinal); // not -runtime- or -cudnn-runtime-
        foreach (var library in new[] { "libcublas-13-0", "libcurand-13-0", "libcudnn9-cuda-13" })
        {
            Assert.Contains(library, text, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("^ARG SDK_VERSION=(?<version>\\S+)$", RegexOptions.Multiline)]
    private static partial Regex SdkVersionArg();

    [GeneratedRegex("^FROM mcr\\.microsoft\\.com/dotnet/sdk:(?<tag>\\S+)", RegexOptions.Multiline)]
    private static partial Regex SdkFrom();

    [GeneratedRegex("^ARG CUDA_IMAGE=(?<image>\\S+)$", RegexOptions.Multiline)]
    private static partial Regex CudaImageArg();
}
