using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using StreamScoring.Tools.Chaos.Harness;

namespace StreamScoring.Tools.Chaos;

/// <summary>
/// <c>chaos [--events N] [--scenario NAME ...] [--json]</c>: runs fault scenarios against the real worker as
/// child processes and checks that every valid event counted exactly once. Exit code 0 only when all passed.
/// </summary>
internal static class ChaosCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Valid events per scenario.", DefaultValueFactory = _ => 100_000 };
        var users = new Option<int>("--users") { Description = "Distinct users (keys).", DefaultValueFactory = _ => 2_000 };
        var scenarios = new Option<string[]>("--scenario")
        {
            Description = "Scenario(s) to run (default all): " + string.Join(", ", ScenarioCatalog.All.Select(s => s.Name)),
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last stdout line." };
        var worker = new Option<string?>("--worker") { Description = "Path of the worker's streamscoring.dll (default: the one built beside this tool)." };
        var keep = new Option<bool>("--keep") { Description = "Keep logs and data of passing scenarios too (failing ones are always kept)." };
        var seed = new Option<int>("--seed") { Description = "Seed of traffic and fault times.", DefaultValueFactory = _ => 7 };
        var command = new Command("chaos", "Fault scenarios against the real worker (child processes), embedded Kafka and a private redis-server.")
        {
            events, users, scenarios, json, worker, keep, seed,
        };
        command.SetAction((parse, ct) => RunAsync(
            new ChaosOptions(parse.GetValue(events), parse.GetValue(users), parse.GetValue(worker), parse.GetValue(keep), parse.GetValue(seed)),
            parse.GetValue(scenarios) ?? [], parse.GetValue(json), ct));
        return command;
    }

    /// <summary>Runs the chosen scenarios and prints the report.</summary>
    public static async Task<int> RunAsync(ChaosOptions options, IReadOnlyCollection<string> names, bool json, CancellationToken cancellationToken)
    {
        var progress = json ? Console.Error : Console.Out;
        IReadOnlyList<Scenarios.IChaosScenario> chosen;
        string workerAssembly;
        try
        {
            chosen = ScenarioCatalog.Select(names);
            workerAssembly = WorkerLocator.FindWorkerAssembly(options.WorkerAssembly);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 2;
        }

        var models = WorkerLocator.FindModelsDirectory();
        if (models is null)
        {
            await Console.Error.WriteLineAsync("error: models/model.onnx not found (run from the repository)");
            return 2;
        }

        var runner = new ScenarioRunner(options, workerAssembly, models, progress);
        try
        {
            foreach (var scenario in chosen)
            {
                runner.Plan(scenario); // the byte budget, before anything runs
            }
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("error: " + e.Message);
            return 2;
        }

        await progress.WriteLineAsync($"worker: {workerAssembly}");
        var results = new List<ScenarioResult>();
        foreach (var scenario in chosen)
        {
            var result = await runner.RunAsync(scenario, cancellationToken);
            results.Add(result);
            await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"[{result.Name}] {(result.Passed ? "PASSED" : "FAILED")}: events {result.Events}, lost {result.Lost}, double-counted {result.DoubleCounted}, dead-lettered {result.DeadLettered}, recovered {Seconds(result.RecoveredSeconds)} s"));
            foreach (var failure in result.Failures)
            {
                await progress.WriteLineAsync($"  FAIL {failure}");
            }

            foreach (var note in result.Notes)
            {
                await progress.WriteLineAsync($"  note {note}");
            }
        }

        var report = new ChaosReport { Scenarios = results };
        if (json)
        {
            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ChaosJsonContext.Readable.ChaosReport));
        }
        else
        {
            AnsiConsole.Write(Table(report));
        }

        return report.Passed ? 0 : 1;
    }

    /// <summary>The human summary.</summary>
    public static Table Table(ChaosReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().AddColumns("scenario", "events", "lost", "double-counted", "dead-lettered", "window history lost", "recovery s", "passed");
        foreach (var s in report.Scenarios)
        {
            table.AddRow(
                s.Name, s.Events.ToString("N0", CultureInfo.InvariantCulture), s.Lost.ToString(CultureInfo.InvariantCulture),
                s.DoubleCounted.ToString(CultureInfo.InvariantCulture), s.DeadLettered.ToString(CultureInfo.InvariantCulture),
                s.WindowHistoryLost.ToString(CultureInfo.InvariantCulture), Seconds(s.RecoveredSeconds), s.Passed ? "[green]yes[/]" : "[red]NO[/]");
        }

        table.Caption(string.Create(CultureInfo.InvariantCulture, $"lost total {report.LostTotal}, double-counted total {report.DoubleCountedTotal}"));
        return table;
    }

    private static string Seconds(double? seconds) => seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "never";
}
