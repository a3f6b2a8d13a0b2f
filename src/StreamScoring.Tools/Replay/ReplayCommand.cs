using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StreamScoring.Core.Events;
using StreamScoring.Datasets.Import;
using StreamScoring.Kafka;
using StreamScoring.Tools.Internal;

namespace StreamScoring.Tools.Replay;

/// <summary>
/// <c>replay</c>: produces a file into the input topic in timestamp order (backfill, or a demo on real
/// data). Kafka settings come from the same configuration as the service.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command; tokens it does not know are configuration (<c>--Kafka:Common:bootstrap.servers=...</c>).</summary>
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "Input file.", Required = true };
        var format = new Option<EventFileFormat>("--format") { Description = "jsonl or rees46.", DefaultValueFactory = _ => EventFileFormat.Jsonl };
        var speedup = new Option<double>("--speedup") { Description = "Replay at this multiple of real time (0: as fast as possible).", DefaultValueFactory = _ => 0 };
        var command = new Command("replay", "Produce a file into the input topic in timestamp order.") { input, format, speedup };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(format), parse.GetValue(speedup), [.. parse.UnmatchedTokens], Console.Error));
        return command;
    }

    public static int Run(string input, EventFileFormat format, double speedup, string[] configArgs, TextWriter log)
    {
        if (!File.Exists(input))
        {
            log.WriteLine($"error: input file '{input}' does not exist");
            return 2;
        }

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(configArgs)
            .Build();
        var kafka = new KafkaOptions();
        configuration.GetSection(KafkaOptions.SectionName).Bind(kafka);
        var topics = new TopicOptions();
        configuration.GetSection(TopicOptions.SectionName).Bind(topics);

        var valid = new List<ImportedLine>();
        foreach (var line in EventFiles.Read(input, format))
        {
            if (line.IsValid)
            {
                valid.Add(line);
            }
            else
            {
                log.WriteLine($"line {line.Line}: {line.Error.Code()}: {line.Error.Describe()}");
            }
        }

        var ordered = valid.OrderBy(l => l.Event!.TimestampMs).ThenBy(l => l.Line).Select(l => l.Event!).ToList();
        long failures;
        using var loggers = LoggerFactory.Create(static b => b.AddSimpleConsole(static o => o.SingleLine = true).AddFilter(static l => l >= LogLevel.Warning));
        using (var producer = new BulkProducer(kafka.CreateProducerConfig(), loggers.CreateLogger("StreamScoring.Replay")))
        {
            var clock = Stopwatch.StartNew();
            var first = ordered.Count > 0 ? ordered[0].TimestampMs : 0;
            foreach (var evt in ordered)
            {
                if (speedup > 0)
                {
                    // Keep the original spacing, compressed by the speed-up factor.
                    var due = TimeSpan.FromMilliseconds((evt.TimestampMs - first) / speedup) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        Thread.Sleep(due);
                    }
                }

                producer.Produce(topics.Input, Encoding.UTF8.GetBytes(evt.UserId), ClickEventWriter.ToUtf8(evt));
            }

            // A message still unconfirmed after the wait counts as not replayed: its fate is unknown.
            failures = producer.Failures + producer.Flush(TimeSpan.FromSeconds(60));
        }

        log.WriteLine($"replayed {ordered.Count - failures} of {ordered.Count} events from {input} into {topics.Input} ({valid.Count} valid lines)");
        return failures == 0 ? 0 : 1;
    }
}
