using System.CommandLine;
using StreamScoring.Core.Import;
using StreamScoring.Inference;
using StreamScoring.Inference.Replay;
using StreamScoring.Worker.Commands;
using StreamScoring.Worker.Demo;
using StreamScoring.Worker.Hosting;

// run: the service. Unmatched tokens are configuration (--Kafka:Common:bootstrap.servers=...).
var run = new Command("run", "Run the service (configuration: appsettings.json, environment, --Section:Key=value).") { TreatUnmatchedTokensAsErrors = false };
run.SetAction(async (parse, ct) =>
{
    await using var app = ServiceHost.Build([.. parse.UnmatchedTokens]);
    await app.RunAsync(ct);
    return Environment.ExitCode; // 1 when a pipeline stage or consumer loop failed for good
});

var duration = new Option<int>("--duration") { Description = "Seconds of traffic.", DefaultValueFactory = _ => 30 };
var rate = new Option<int>("--rate") { Description = "Target events per second.", DefaultValueFactory = _ => 21_000 };
var warmup = new Option<int>("--warmup") { Description = "Seconds of warm-up traffic (a quarter of the rate) before the measured run.", DefaultValueFactory = _ => 3 };
var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last line." };
var demo = new Command("demo", "Embedded Kafka + private redis-server + simulator traffic through the real worker, with a live view.") { duration, rate, warmup, json };
demo.SetAction(async (parse, ct) => await DemoRunner.RunAsync(
    new DemoOptions(TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(rate), parse.GetValue(json), Warmup: TimeSpan.FromSeconds(parse.GetValue(warmup))), Console.Out, ct));

var input = new Option<string>("--input") { Description = "Input file.", Required = true };
var format = new Option<EventFileFormat>("--format") { Description = "jsonl or rees46.", DefaultValueFactory = _ => EventFileFormat.Jsonl };
var speedup = new Option<double>("--speedup") { Description = "Replay at this multiple of real time (0: as fast as possible).", DefaultValueFactory = _ => 0 };
var replay = new Command("replay", "Produce a file into the input topic in timestamp order.") { input, format, speedup };
replay.TreatUnmatchedTokensAsErrors = false;
replay.SetAction(parse => ReplayCommand.Run(parse.GetValue(input)!, parse.GetValue(format), parse.GetValue(speedup), [.. parse.UnmatchedTokens], Console.Error));

var output = new Option<string>("--output") { Description = "Output JSONL file.", Required = true };
// The default is the shipped model, found like the demo finds it (from the working directory or the binary upwards).
var model = new Option<string>("--model")
{
    Description = "Path of model.onnx.",
    DefaultValueFactory = _ => RepositoryFiles.Find(Path.Combine("models", "model.onnx")) ?? Path.Combine("models", "model.onnx"),
};
var scoreFile = new Command("score-file", "Replay a file through the window state and the ONNX model; one JSON line per event.") { input, format, output, model };
scoreFile.SetAction(parse =>
{
    try
    {
        return FileScorer.Run(parse.GetValue(input)!, parse.GetValue(format), parse.GetValue(output)!, parse.GetValue(model)!, null, Console.Error);
    }
    catch (ModelLoadException ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        return 2;
    }
});

var root = new RootCommand("StreamScoring: real-time fraud, churn and conversion scoring of e-commerce clickstream.") { run, demo, replay, scoreFile };
return await root.Parse(args).InvokeAsync();
