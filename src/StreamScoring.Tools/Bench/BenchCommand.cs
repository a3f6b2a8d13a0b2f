using System.CommandLine;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// <c>bench [--events N] [--workers K] [--json]</c>: in one run on the same embedded Kafka, redis-server and model, the limits
/// (raw consume, store apply, model batch 1 and best batch), a naive one-event-at-a-time loop, the real worker
/// draining a pre-filled topic, and the same worker fed at half that rate for latency.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events pre-filled for each throughput phase (20,000-200,000).", DefaultValueFactory = _ => 100_000 };
        var workers = new Option<int>("--workers") { Description = "Worker copies in one consumer group for the drain and half load (1-4).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Progress on stderr; the last line of stdout is one JSON object." };
        var command = new Command("bench", "Throughput limits, naive path, worker drain and half-load latency in one run.")
        {
            events, workers, json,
        };
        command.SetAction(async (parse, ct) => await BenchRunner.RunAsync(parse.GetValue(events), parse.GetValue(workers), parse.GetValue(json), Console.Out, ct));
        return command;
    }
}
