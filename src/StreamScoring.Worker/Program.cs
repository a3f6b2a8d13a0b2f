using System.CommandLine;
using StreamScoring.Worker.Hosting;

// run: the service, the only thing the image ships. Unmatched tokens are configuration (--Kafka:Common:bootstrap.servers=...).
// Scoring a file offline is the training tool's `score-file`.
var run = new Command("run", "Run the service (configuration: appsettings.json, environment, --Section:Key=value).") { TreatUnmatchedTokensAsErrors = false };
run.SetAction(async (parse, ct) =>
{
    await using var app = ServiceHost.Build([.. parse.UnmatchedTokens]);
    await app.RunAsync(ct);
    return Environment.ExitCode; // 1 when a pipeline stage or consumer loop failed for good
});

var root = new RootCommand("StreamScoring: real-time fraud, churn and conversion scoring of e-commerce clickstream.") { run };
return await root.Parse(args).InvokeAsync();
