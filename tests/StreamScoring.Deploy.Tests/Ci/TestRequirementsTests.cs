using System.Text.RegularExpressions;
using StreamScoring.Tests.Shared;

namespace StreamScoring.Deploy.Tests.Ci;

/// <summary>
/// scripts/require.sh is what makes a clean machine able to run the suite (.ci/run calls it through scripts/test.sh):
/// every program that a test or the code under test starts must be in its TEST_REQUIREMENTS, and when an install
/// fails or hangs the script must say why in full and within a bound.
/// </summary>
public sealed partial class TestRequirementsTests
{
    private static readonly string Script = RepositoryPaths.File("scripts", "require.sh");

    // The ways the sources start an outside program: the program's name is the first string literal.
    [GeneratedRegex("""(?:new ProcessStartInfo|Process\.Start|ChildProcess\.Run(?:Async)?|RequiredProgram\.Find|FindOnPath)\(\s*"(?<program>[^"]+)"(?:\s*,\s*"(?<alternative>[^"]+)")?""")]
    private static partial Regex ProgramStart();

    [GeneratedRegex("""^\s+(?<program>[A-Za-z0-9._-]+)=(?<package>[A-Za-z0-9.+_-]+)\s*$""", RegexOptions.Multiline)]
    private static partial Regex RequirementLine();

    [Fact]
    public void TestRequirements_EveryProgramTheSourcesStart_IsListed()
    {
        var listed = Requirements().Keys.ToHashSet(StringComparer.Ordinal);
        var started = StartedPrograms().ToList();

        Assert.NotEmpty(started);
        // The SDK runs the tests, and apt-get and sudo are how the missing programs get installed: a machine
        // brings these itself.
        string[] brought = ["dotnet", "apt-get", "sudo"];
        var missing = started
            .Where(s => s.Programs.All(p => !brought.Contains(p) && !listed.Contains(Path.GetFileName(p))))
            .Select(s => $"{string.Join(" or ", s.Programs)} ({s.File})")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(missing.Count == 0, "started by the sources but not in TEST_REQUIREMENTS of scripts/require.sh: " + string.Join("; ", missing));
    }

    [Theory]
    [InlineData("redis-server")]
    [InlineData("kcat")]
    [InlineData("openssl")]
    [InlineData("kill")]
    [InlineData("promtool")]
    public void TestRequirements_ProgramsTheFixturesNeed_AreListedWithTheirPackage(string program)
    {
        Assert.True(Requirements().TryGetValue(program, out var package), $"{program} is not in TEST_REQUIREMENTS");
        Assert.False(string.IsNullOrWhiteSpace(package));
    }

    [Fact]
    public async Task RequirePackages_InstallFails_PrintsAptGetsWholeOutput()
    {
        using var fake = FakeTools.Create(aptGet: """for i in $(seq 1 40); do echo "apt line $i"; done; exit 100""");

        var result = await RunRequireAsync(fake, "APT_TIMEOUT_SECONDS=60", "no-such-program-xyz=no-such-package-xyz");

        Assert.Equal(1, result.ExitCode);
        // Every line, not a tail: the first of the first attempt and the last of the retry after the update.
        Assert.Contains("apt line 1\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("apt line 40\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y no-such-package-xyz", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: no-such-package-xyz is required", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirePackages_AptGetHangs_StopsAtTheTimeoutAndSaysSo()
    {
        using var fake = FakeTools.Create(aptGet: "exec sleep 120");

        var result = await RunRequireAsync(fake, "APT_TIMEOUT_SECONDS=1", "no-such-program-xyz=no-such-package-xyz");

        Assert.False(result.TimedOut, "require_packages did not stop on its own");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("timed out after 1s", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequirePackages_ProgramPresent_RunsNoAptGet()
    {
        using var fake = FakeTools.Create(aptGet: "echo 'apt-get was called' >&2; exit 1");

        var result = await RunRequireAsync(fake, "APT_TIMEOUT_SECONDS=60", "sh=dash");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("apt-get was called", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequireDiskSpace_TooLittleFree_FailsNamingTheNeed()
    {
        var result = await ChildProcess.RunAsync(
            "bash", ["-c", $". '{Script}'; require_disk_space 999999999 /"], RepositoryPaths.Root, TimeSpan.FromSeconds(30));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the build and tests need about 999999999 MiB", result.Stderr, StringComparison.Ordinal);
    }

    private static Task<ChildProcessResult> RunRequireAsync(FakeTools fake, string environment, string requirement) =>
        ChildProcess.RunAsync(
            "bash",
            ["-c", $"export PATH='{fake.Directory}':\"$PATH\" {environment}; . '{Script}'; require_packages {requirement}"],
            RepositoryPaths.Root,
            TimeSpan.FromSeconds(60));

    private static Dictionary<string, string> Requirements()
    {
        var text = File.ReadAllText(Script);
        var start = text.IndexOf("TEST_REQUIREMENTS=(", StringComparison.Ordinal);
        Assert.True(start >= 0, "scripts/require.sh has no TEST_REQUIREMENTS=( block");
        var block = text[start..text.IndexOf("\n)", start, StringComparison.Ordinal)];
        return RequirementLine().Matches(block).ToDictionary(m => m.Groups["program"].Value, m => m.Groups["package"].Value, StringComparer.Ordinal);
    }

    private static IEnumerable<(string File, string[] Programs)> StartedPrograms()
    {
        foreach (var top in new[] { "src", "tests" })
        {
            foreach (var file in Directory.EnumerateFiles(RepositoryPaths.File(top), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(RepositoryPaths.Root, file);
                // This file names programs in its test cases; it starts none of them.
                if (relative.Contains("/bin/", StringComparison.Ordinal) || relative.Contains("/obj/", StringComparison.Ordinal)
                    || Path.GetFileName(file) == nameof(TestRequirementsTests) + ".cs")
                {
                    continue;
                }

                foreach (Match match in ProgramStart().Matches(File.ReadAllText(file)))
                {
                    var alternative = match.Groups["alternative"];
                    string[] programs = alternative.Success && match.Value.StartsWith("FindOnPath", StringComparison.Ordinal)
                        ? [match.Groups["program"].Value, alternative.Value]
                        : [match.Groups["program"].Value];
                    yield return (relative, programs);
                }
            }
        }
    }

    /// <summary>A folder put first on PATH whose <c>apt-get</c> and <c>id</c> are scripts (id says root, so the install branch runs).</summary>
    private sealed class FakeTools : IDisposable
    {
        private FakeTools(string directory) => Directory = directory;

        public string Directory { get; }

        public static FakeTools Create(string aptGet)
        {
            var directory = System.IO.Directory.CreateTempSubdirectory("require-sh-").FullName;
            Write(Path.Combine(directory, "apt-get"), aptGet);
            Write(Path.Combine(directory, "id"), "echo 0");
            return new FakeTools(directory);
        }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

        private static void Write(string path, string body)
        {
            File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }
}
