using System.CommandLine;

namespace StreamScoring.Tools.Demo;

/// <summary>
/// <c>demo [--duration S] [--rate N] [--warmup S] [--json] [--no-monitoring]</c>: embedded Kafka, a private redis-server and
/// simulator traffic through the real worker, hosted in this process (<see cref="Worker.Hosting.ServiceHost"/>), with a live
/// view, and prometheus plus the Alertmanager with the shipped alert rules when they are installed.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var duration = new Option<int>("--duration") { Description = "Seconds of traffic.", DefaultValueFactory = _ => 30 };
        var rate = new Option<int>("--rate") { Description = "Target events per second.", DefaultValueFactory = _ => 21_000 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of warm-up traffic (a quarter of the rate) before the measured run.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last line." };
        var noMonitoring = new Option<bool>("--no-monitoring") { Description = "Do not start prometheus and the Alertmanager (started by default when installed)." };
        var command = new Command("demo", "Embedded Kafka + private redis-server + simulator traffic through the real worker, with a live view.")
        {
            duration, rate, warmup, json, noMonitoring,
        };
        command.SetAction(async (parse, ct) => await DemoRunner.RunAsync(
            new DemoOptions(TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(rate), parse.GetValue(json), Warmup: TimeSpan.FromSeconds(parse.GetValue(warmup)), Monitoring: !parse.GetValue(noMonitoring)),
            Console.Out,
            ct));
        return command;
    }
}
