using System.CommandLine;
using StreamScoring.Tools.Bench;
using StreamScoring.Tools.Chaos;
using StreamScoring.Tools.Demo;
using StreamScoring.Tools.Replay;

// Tools run beside the service, never shipped in its image: the demo (the real worker hosted in this process
// against embedded Kafka and a private redis-server), replay (a file into the input topic) and chaos (fault
// scenarios against the worker run as child processes). End-to-end throughput and latency: bench; component benchmarks: scripts/bench.sh.
var root = new RootCommand("StreamScoring tools: the streaming demo, replay of event files into Kafka, and fault scenarios (chaos) against the real worker.")
{
    DemoCommand.Create(),
    ReplayCommand.Create(),
    ChaosCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
