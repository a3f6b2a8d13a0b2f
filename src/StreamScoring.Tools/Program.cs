using System.CommandLine;
using StreamScoring.Tools.Chaos;

// Operator tools, run from outside the service. `chaos` today; demo, replay and bench will move here.
var root = new RootCommand("StreamScoring tools: fault scenarios (chaos) against the real worker.") { ChaosCommand.Create() };
return await root.Parse(args).InvokeAsync();
