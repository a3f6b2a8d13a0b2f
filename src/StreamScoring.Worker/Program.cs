using System.CommandLine;
using StreamScoring.Core.Import;
using StreamScoring.Inference;
using StreamScoring.Inference.Replay;
using StreamScoring.Worker.Hosting;

// run: the service. Unmatched tokens are configuration (--Kafka:Common:bootstrap.servers=...).
var run = new Command("run", "Run the service (configuration: appsettings.json, environment, --Section:Key=value).") { TreatUnmatchedTokensAsErrors = false };
run.SetAction(async (parse, ct) =>
{
    await using var app = ServiceHost.Build([.. parse.UnmatchedTokens]);
    await app.RunAsync(ct);
    return Environment.ExitCode; // 1 when a pipeline stage or consumer loop failed for good
});

var input = new Option<string>("--input") { Description = "Input file.", Required = true };
var format = new Option<EventFileFormat>("--format") { Description = "jsonl or rees46.", DefaultValueFactory = _ => EventFileFormat.Jsonl };
var output = new Option<string>("--output") { Description = "Output JSONL file.", Required = true };
// The default is the shipped model, found from the working directory or the binary upwards.
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

var root = new RootCommand("StreamScoring: real-time fraud, churn and conversion scoring of e-commerce clickstream.") { run, scoreFile };
return await root.Parse(args).InvokeAsync();
