using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(StreamScoring.Benchmarks.ParserBenchmarks).Assembly).Run(args);
