using System.CommandLine;

namespace StreamScoring.Tools.Bench;

/// <summary>
/// <c>bench [--events N] [--workers K] [--soak-minutes M] [--json]</c>: in one run on the same embedded Kafka, redis-server and model, the limits
/// (raw consume, store apply, model batch 1 and best batch), a naive one-event-at-a-time loop, the real worker
/// draining a pre-filled topic, the same worker fed at half that rate for latency (and, with a soak, for minutes while memory is sampled), and fresh
/// workers scoring every event.
/// </summary>
internal static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var events = new Option<int>("--events") { Description = "Events pre-filled for each throughput phase (20,000-200,000).", DefaultValueFactory = _ => 100_000 };
        var workers = new Option<int>("--workers") { Description = "Worker copies in one consumer group for the drain and half load (1-4).", DefaultValueFactory = _ => 1 };
        var soak = new Option<double>("--soak-minutes") { Description = "After the half load, keep feeding the same workers at that rate for this many minutes, sampling memory (0-60, fractions allowed; 0 skips).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Progress on stderr; the last line of stdout is one JSON object." };
        var command = new Command("bench", "Throughput limits, naive path, worker drain and half-load latency in one run.")
        {
            events, workers, soak, json,
        };
        command.SetAction(async (parse, ct) => await BenchRunner.RunAsync(parse.GetValue(events), parse.GetValue(workers), parse.GetValue(soak), parse.GetValue(json), Console.Out, ct));
        return command;
    }
}
