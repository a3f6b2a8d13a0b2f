using System.Text;
using System.Text.Json;
using StreamScoring.Simulator;
using StreamScoring.Tests.Shared;

namespace StreamScoring.IntegrationTests.Commands;

/// <summary>
/// The commands the README documents, run as a user runs them: the built binaries (<c>dotnet &lt;dll&gt;</c>, the
/// same program <c>dotnet run</c> starts) in a separate process, from the repository root.
/// </summary>
public sealed class ReadmeCommandsTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private const string Rees46Fixture = "models/data/rees46/2019-11-01_0000-0004UTC_events.csv";

    private readonly string _dir = Directory.CreateTempSubdirectory("streamscoring-readme-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("worker", "run", "")]
    [InlineData("tools", "demo", "--duration --rate --warmup --json")]
    [InlineData("tools", "replay", "--input --format --speedup")]
    [InlineData("tools", "chaos", "--events --scenario --json")]
    [InlineData("training", "train", "--seed --users --days --epochs --output --rees46")]
    [InlineData("training", "evaluate", "--model --events --format")]
    [InlineData("training", "score-file", "--input --format --output --model --segments")]
    [InlineData("training", "calibrate", "--model --heads --eval-users --days")]
    [InlineData("training", "crossvalidate", "--folds --baselines-only --real-repeat --output")]
    [InlineData("training", "recommend-eval", "--folds --rees46 --diginetica")]
    public void Help_DocumentedCommand_PrintsItsUsageAndOptions(string tool, string command, string options)
    {
        var result = Run(tool, RepositoryPaths.Root, command, "--help");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Contains($"{command} [options]", result.Stdout, StringComparison.Ordinal);
        foreach (var option in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.Contains(option, result.Stdout, StringComparison.Ordinal);
        }
    }

    /// <summary>The image ships the service only: scoring files is the training tool's job.</summary>
    [Fact]
    public void Worker_Help_OffersOnlyRun()
    {
        var help = Run("worker", RepositoryPaths.Root, "--help");
        var scoreFile = Run("worker", RepositoryPaths.Root, "score-file", "--input", Rees46Fixture, "--output", Path.Combine(_dir, "scores.jsonl"));

        Assert.True(help.Exit == 0, help.ToString());
        Assert.Contains("run", help.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("score-file", help.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, scoreFile.Exit);
        Assert.False(File.Exists(Path.Combine(_dir, "scores.jsonl")));
    }

    [Fact]
    public void TrainingScoreFile_Rees46FixtureFromRepositoryRoot_ScoresEveryRowWithTheShippedModel()
    {
        var output = Path.Combine(_dir, "scores.jsonl");

        var result = Run("training", RepositoryPaths.Root, "score-file", "--input", Rees46Fixture, "--format", "rees46", "--output", output);

        Assert.True(result.Exit == 0, result.ToString());
        var rows = File.ReadAllLines(RepositoryPaths.File(Rees46Fixture)).Skip(1).ToList(); // header
        AssertScores(output, rows.Count, line => rows[(int)line - 1].Split(',')[7]); // user_id is column 8
    }

    /// <summary>Regression: the default --model was relative to the working directory, so score-file failed elsewhere.</summary>
    [Fact]
    public void TrainingScoreFile_OutsideTheRepository_FindsTheShippedModel()
    {
        var output = Path.Combine(_dir, "scores.jsonl");

        var result = Run("training", _dir, "score-file", "--input", RepositoryPaths.File(Rees46Fixture), "--format", "rees46", "--output", output);

        Assert.True(result.Exit == 0, result.ToString());
        Assert.DoesNotContain("does not exist", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllLines(RepositoryPaths.File(Rees46Fixture)).Length - 1, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void TrainingScoreFile_JsonlFromRepositoryRoot_ScoresEveryEvent()
    {
        var events = ClickstreamSimulator.Generate(SimulatorOptions.Training(5) with { Users = 6, Days = 1 }).ToList();
        var input = Path.Combine(_dir, "events.jsonl");
        File.WriteAllLines(input, events.Select(e => Encoding.UTF8.GetString(JsonlWriter.ToUtf8(e))));
        var output = Path.Combine(_dir, "scores.jsonl");

        var result = Run("training", RepositoryPaths.Root, "score-file", "--input", input, "--format", "jsonl", "--output", output);

        Assert.True(result.Exit == 0, result.ToString());
        AssertScores(output, events.Count, line => events[(int)line - 1].Event.UserId);
    }

    /// <summary>
    /// Regression: the Web SDK starts <c>dotnet run</c> of src/StreamScoring.Worker in the project directory, so the
    /// README's commands with relative paths, run from the repository root, did not find their files.
    /// </summary>
    [Fact]
    public void WorkerProject_DotnetRunFromRepositoryRoot_KeepsTheRepositoryRootAsWorkingDirectory()
    {
        var result = RunDotnet(RepositoryPaths.Root, "msbuild", Path.Combine("src", "StreamScoring.Worker", "StreamScoring.Worker.csproj"), "-getProperty:RunWorkingDirectory");

        Assert.True(result.Exit == 0, result.ToString());
        Assert.Equal(Path.TrimEndingDirectorySeparator(RepositoryPaths.Root), Path.TrimEndingDirectorySeparator(result.Stdout.Trim()));
    }

    /// <summary>One line per input row, each with the row's user and three probabilities.</summary>
    private static void AssertScores(string output, int expectedLines, Func<long, string> userOfLine)
    {
        var scores = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.NotEmpty(scores);
        Assert.Equal(expectedLines, scores.Count);
        Assert.Equal(Enumerable.Range(1, expectedLines).Select(i => (long)i), scores.Select(s => s.GetProperty("line").GetInt64()).Order());
        foreach (var score in scores)
        {
            Assert.Equal(userOfLine(score.GetProperty("line").GetInt64()), score.GetProperty("user_id").GetString());
            foreach (var head in new[] { "fraud", "churn", "conversion" })
            {
                Assert.InRange(score.GetProperty(head).GetDouble(), 0, 1);
            }
        }
    }

    /// <summary>
    /// The binary built beside this test assembly's configuration (src/X/bin/Release/net10.0/...). The test project
    /// references the three programs, so a build of the tests builds them.
    /// </summary>
    private static string Binary(string tool)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = tfm.Parent!;
        var (project, assembly) = tool switch
        {
            "worker" => ("StreamScoring.Worker", "streamscoring.dll"),
            "tools" => ("StreamScoring.Tools", "streamscoring-tools.dll"),
            _ => ("StreamScoring.Training", "streamscoring-train.dll"),
        };
        var path = RepositoryPaths.File("src", project, "bin", configuration.Name, tfm.Name, assembly);
        Assert.True(File.Exists(path), $"{path} not built");
        return path;
    }

    private static CommandResult Run(string tool, string workingDirectory, params string[] arguments) =>
        RunDotnet(workingDirectory, [Binary(tool), .. arguments]);

    private static CommandResult RunDotnet(string workingDirectory, params string[] arguments)
    {
        var result = ChildProcess.Run("dotnet", arguments, workingDirectory, CommandTimeout);
        Assert.False(result.TimedOut, $"dotnet {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        return new CommandResult(result.ExitCode, result.Stdout, result.Stderr);
    }
}
