using System.Diagnostics;
using System.Globalization;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Tools.Chaos.Checking;
using StreamScoring.Tools.Chaos.Harness;
using StreamScoring.Tools.Chaos.Poison;
using StreamScoring.Tools.Chaos.Scenarios;

namespace StreamScoring.Tools.Chaos;

/// <summary>
/// Runs one scenario from scratch: a fresh 3-broker embedded Kafka and redis-server, the worker as child
/// processes, steady traffic, the scenario's faults, a drain, a graceful stop, and the checks on what came out.
/// </summary>
internal sealed class ScenarioRunner
{
    /// <summary>Partitions of the input topic: 100,000 events stay under ~1.5 MB per partition.</summary>
    public const int InputPartitions = 16;

    /// <summary>Partitions of user-scores: a score per event of 100,000 stays under ~1.5 MB per partition.</summary>
    public const int ScorePartitions = 32;
    private const int DeadLetterPartitions = 8;
    private const int AlertPartitions = 4;
    private const string AlertTopicPrefix = "alerts.";
    private const string GroupId = "streamscoring";
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(30);

    private readonly ChaosOptions _options;
    private readonly string _workerAssembly;
    private readonly string _dotnet;
    private readonly string _modelsDirectory;
    private readonly TextWriter _log;

    /// <summary>Creates a runner; <paramref name="log"/> receives progress lines.</summary>
    public ScenarioRunner(ChaosOptions options, string workerAssembly, string modelsDirectory, TextWriter log)
    {
        _options = options;
        _workerAssembly = workerAssembly;
        _dotnet = WorkerLocator.FindDotnetHost();
        _modelsDirectory = modelsDirectory;
        _log = log;
    }

    /// <summary>The plan of a scenario; throws <see cref="InvalidOperationException"/> when it would not fit the broker's per-partition memory.</summary>
    public TrafficPlan Plan(IChaosScenario scenario)
    {
        var copies = scenario.MixesPoison ? Math.Clamp(_options.Events / 2_000, 3, 10) : 0;
        var plan = new TrafficPlan(_options.Events, _options.Users, scenario.TrafficDuration, InputPartitions, copies, _options.Seed);
        long poisonBytes = 0;
        if (copies > 0)
        {
            var corpus = PoisonCorpora.Default(_options.Seed);
            var sample = System.Text.Encoding.UTF8.GetBytes(
                $"{{\"event_id\":\"e1\",\"user_id\":\"u1\",\"ts\":{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()},\"type\":\"view\",\"product_id\":\"p1\",\"category\":\"a.b\",\"currency\":\"EUR\",\"price\":1.5,\"country\":\"DE\",\"ip\":\"1.2.3.4\",\"user_agent\":\"x\",\"brand\":\"b\"}}");
            poisonBytes = corpus.Kinds.Sum(kind => (long)corpus.Create(kind, "u1"u8.ToArray(), sample).Value.Length + TrafficPlan.RecordOverheadBytes) * copies;
        }

        var estimate = plan.EstimatedBytesPerPartition(TrafficGenerator.SampleEventBytes(scenario.Name) + 6, poisonBytes);
        if (estimate > TrafficPlan.PartitionBudgetBytes)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"scenario {scenario.Name}: {_options.Events:N0} events need ~{estimate / 1e6:F1} MB on the busiest of {InputPartitions} partitions; the embedded broker keeps ~5 MB and the budget is {TrafficPlan.PartitionBudgetBytes / 1e6:F1} MB. Use fewer --events."));
        }

        return plan;
    }

    /// <summary>Runs <paramref name="scenario"/> and checks it.</summary>
    public async Task<ScenarioResult> RunAsync(IChaosScenario scenario, CancellationToken cancellationToken)
    {
        var plan = Plan(scenario);
        var runDirectory = Directory.CreateTempSubdirectory($"streamscoring-chaos-{scenario.Name}-").FullName;
        var result = await RunInAsync(scenario, plan, runDirectory, cancellationToken);
        if (result.Passed && !_options.KeepRunDirectories)
        {
            TryDelete(runDirectory);
        }
        else
        {
            result = result with { Notes = [.. result.Notes, $"logs and data: {runDirectory}"] };
        }

        return result;
    }

    private async Task<ScenarioResult> RunInAsync(IChaosScenario scenario, TrafficPlan plan, string runDirectory, CancellationToken cancellationToken)
    {
        var topics = new TopicOptions();
        using var kafka = new EmbeddedKafkaCluster(brokers: 3);
        kafka.SetGroupInitialRebalanceDelay(TimeSpan.FromMilliseconds(100));
        kafka.CreateTopic(topics.Input, InputPartitions);
        kafka.CreateTopic(topics.Scores, ScorePartitions);
        kafka.CreateTopic(topics.DeadLetter, DeadLetterPartitions);
        foreach (var topic in new[] { topics.FraudAlerts, topics.ChurnAlerts, topics.ConversionAlerts })
        {
            kafka.CreateTopic(topic, AlertPartitions);
        }

        using var redis = ChaosRedisServer.Start(Path.Combine(runDirectory, "redis-data"));
        var modelPath = CopyModel(Path.Combine(runDirectory, "model"));
        var settings = new Dictionary<string, string>
        {
            ["Kafka:Common:bootstrap.servers"] = kafka.BootstrapServers,
            // As the demo: the mock broker answers a fetch only when fetch.wait.max.ms expires.
            ["Kafka:Consumer:fetch.wait.max.ms"] = "10",
            ["Kafka:ConsumerLoop:GroupId"] = GroupId,
            ["FeatureStore:Kind"] = "redis",
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Inference:ModelPath"] = modelPath,
            ["Inference:Device"] = "cpu",
            ["Inference:IntraOpThreads"] = "1",
            // Every log line carries its UTC time, so a failed run's group hand-overs can be put on one timeline.
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff",
            ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        };
        if (scenario.Alerts is { } alerts)
        {
            // One head alerts as the check asks; the others only when a score reaches 1 (the highest threshold allowed).
            foreach (var head in FeatureSpec.Heads)
            {
                var section = $"Scoring:Alerts:{char.ToUpperInvariant(head[0])}{head[1..]}";
                settings[$"{section}:Threshold"] = (head == alerts.Head ? alerts.Threshold : 1f).ToString(CultureInfo.InvariantCulture);
                if (head == alerts.Head)
                {
                    settings[$"{section}:Cooldown"] = alerts.Cooldown.ToString("c", CultureInfo.InvariantCulture);
                }
            }
        }

        foreach (var (key, value) in scenario.WorkerSettings)
        {
            settings[key] = value;
        }

        var clock = new Stopwatch();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var traffic = new TrafficGenerator(kafka.BootstrapServers, topics.Input, scenario.Name, plan, scenario.MixesPoison ? PoisonCorpora.Default(plan.Seed) : null);
        using var lag = new LagProbe(kafka.BootstrapServers, GroupId, topics.Input, InputPartitions, clock);
        var logs = Path.Combine(runDirectory, "logs");
        Directory.CreateDirectory(logs);
        var context = new ScenarioContext(scenario.Name, kafka, redis, modelPath, traffic, lag, clock, http, new Random(plan.Seed), name =>
            WorkerProcess.Start(name, _dotnet, _workerAssembly, scenario.StaticMembership ? new Dictionary<string, string>(settings) { ["Kafka:ConsumerLoop:InstanceId"] = name } : settings, logs));
        try
        {
            return await ExecuteAsync(scenario, context, plan, topics, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.Fail($"harness error: {e.GetType().Name}: {e.Message}");
            return Result(scenario, context, traffic.Ledger.ValidCount, null, null, 0);
        }
        finally
        {
            foreach (var worker in context.AllWorkers)
            {
                worker.Dispose();
            }
        }
    }

    private async Task<ScenarioResult> ExecuteAsync(IChaosScenario scenario, ScenarioContext context, TrafficPlan plan, TopicOptions topics, CancellationToken cancellationToken)
    {
        var first = context.StartWorker("w1");
        if (!await context.WaitReadyAsync(first, cancellationToken))
        {
            return Result(scenario, context, 0, null, null, 0);
        }

        Progress(scenario, string.Create(CultureInfo.InvariantCulture,
            $"traffic: {plan.ValidEvents:N0} events of {plan.Users:N0} users over {plan.Duration.TotalSeconds:F0} s ({plan.ValidEvents / plan.Duration.TotalSeconds:F0}/s){(plan.PoisonCopiesPerKind > 0 ? $", {plan.PoisonCopiesPerKind} bad inputs per poison kind" : "")}"));
        context.Clock.Start();
        context.Lag.Start();
        var producing = Task.Run(() => context.Traffic.Run(cancellationToken), cancellationToken);
        await scenario.RunAsync(context, cancellationToken);
        await producing;
        Progress(scenario, string.Create(CultureInfo.InvariantCulture, $"faults done, traffic done at {context.Clock.Elapsed.TotalSeconds:F0} s; draining"));

        var ledger = context.Traffic.Ledger;
        if (ledger.Failures > 0)
        {
            context.Fail($"{ledger.Failures} messages were not delivered to Kafka (first: {ledger.FirstFailure}); the checks cover the acknowledged ones");
        }

        if (ledger.MaxPartitionBytes > TrafficPlan.PartitionBudgetBytes)
        {
            context.Fail(string.Create(CultureInfo.InvariantCulture, $"a partition of {topics.Input} received {ledger.MaxPartitionBytes / 1e6:F1} MB: over the budget, the broker may have dropped unconsumed data"));
        }

        var end = context.Lag.EndOffsets();
        var drained = await context.Lag.WaitCaughtUpAsync(end, DrainTimeout, cancellationToken);
        if (!drained)
        {
            var committed = context.Lag.LatestCommitted();
            var remaining = committed is null ? end.Sum() : end.Select((e, p) => Math.Max(0, e - Math.Max(0, committed[p]))).Sum();
            context.Fail(string.Create(CultureInfo.InvariantCulture, $"the workers did not process everything within {DrainTimeout.TotalSeconds:F0} s after the traffic ended ({remaining:N0} messages not committed)"));
        }

        await StopWorkersAsync(context);
        CheckProcesses(context);

        var lastScores = ScoreRecordParser.LastPerUser(
            TopicReader.ReadAll(context.Kafka.BootstrapServers, topics.Scores, ScorePartitions, TimeSpan.FromMinutes(2)).Select(r => r.Value));
        var perUser = ledger.PerUser(context.HistoryLostBeforeMs ?? long.MinValue);
        var delivery = DeliveryChecker.Check(
            perUser.Select(u => new UserExpectation(TrafficGenerator.UserId(u.Key), u.Value.Count, u.Value.LastMs, context.HistoryLostBeforeMs is null ? u.Value.Count : u.Value.CountFrom)),
            lastScores);
        if (delivery.Lost > 0 || delivery.DoubleCounted > 0 || delivery.StaleUsers > 0)
        {
            context.Fail(string.Create(CultureInfo.InvariantCulture,
                $"output: {delivery.Lost} lost, {delivery.DoubleCounted} double-counted, {delivery.UnscoredUsers} users never scored, {delivery.StaleUsers} users whose last score precedes their last event; e.g. {string.Join("; ", delivery.Examples)}"));
        }

        var deadLetters = TopicReader.ReadAll(context.Kafka.BootstrapServers, topics.DeadLetter, DeadLetterPartitions, TimeSpan.FromMinutes(2))
            .Select(r => (
                // A dead letter may carry only a prefix of a huge value; its payload.sha256 names the whole.
                r.Headers.TryGetLastBytes(DeadLetterHeaders.PayloadSha256, out var sha) ? MessageDigest.OfValueDigest(r.Key, Convert.FromHexString(System.Text.Encoding.ASCII.GetString(sha))) : MessageDigest.Of(r.Key, r.Value),
                r.Headers.TryGetLastBytes(DeadLetterHeaders.ErrorCode, out var code) ? System.Text.Encoding.UTF8.GetString(code) : null))
            .ToList();
        var poison = ledger.Poison();
        var dlq = DeadLetterChecker.Check(poison, deadLetters);
        if (!dlq.Passed)
        {
            context.Fail($"dead letters: {dlq.Missing} bad inputs missing, {dlq.WrongCode} with a wrong code, {dlq.Unexpected} unexpected; e.g. {string.Join("; ", dlq.Examples)}");
        }

        if (poison.Count > 0)
        {
            var kinds = poison.Select(p => p.Kind).Distinct().Count();
            context.Note($"{poison.Count} bad inputs of {kinds} kinds; {dlq.KindsLanded} kinds handled as expected");
            if (kinds < PoisonCorpora.TargetKinds)
            {
                context.Note($"the poison corpus has {kinds} kinds, fewer than the {PoisonCorpora.TargetKinds} aimed for (PoisonCorpora.Default)");
            }
        }

        if (scenario.Alerts is { } expectation)
        {
            CheckAlerts(context, topics, expectation);
        }

        var offsetResets = OffsetResets(context);
        var recovered = Recovery(scenario, context);
        var unowned = Unowned(context);
        return Result(scenario, context, ledger.ValidCount, delivery, recovered, dlq.DeadLettered, offsetResets) with { UnownedSeconds = unowned };
    }

    private static ScenarioResult Result(IChaosScenario scenario, ScenarioContext context, long events, DeliveryVerdict? delivery, double? recovered, long deadLettered, long offsetResets = 0) => new()
    {
        Name = scenario.Name,
        Events = events,
        Lost = (delivery?.Lost ?? 0) + offsetResets,
        DoubleCounted = delivery?.DoubleCounted ?? 0,
        DeadLettered = deadLettered,
        RecoveredSeconds = recovered,
        Passed = context.Failures.Count == 0,
        WindowHistoryLost = delivery?.WindowHistoryLost ?? 0,
        Failures = [.. context.Failures],
        Notes = [.. context.Notes],
    };

    private static double? Recovery(IChaosScenario scenario, ScenarioContext context)
    {
        if (context.FaultEnds.Count == 0)
        {
            return 0;
        }

        var samples = context.Lag.Samples;
        double worst = 0;
        foreach (var (label, at, endOffsets) in context.FaultEnds)
        {
            var seconds = RecoveryCalculator.SecondsToCatchUp(at, endOffsets, samples);
            if (seconds is null)
            {
                context.Fail($"recovery: the workers never caught up after '{label}'");
                return null;
            }

            context.Note(string.Create(CultureInfo.InvariantCulture, $"recovery after {label}: {seconds:F1} s"));
            if (seconds > scenario.RecoveryBoundSeconds)
            {
                context.Fail(string.Create(CultureInfo.InvariantCulture, $"recovery after '{label}' took {seconds:F1} s (bound {scenario.RecoveryBoundSeconds:F0} s)"));
            }

            worst = Math.Max(worst, seconds.Value);
        }

        return worst;
    }

    // The alert topic of the checked head against every score of that head on user-scores (all of them, not only the
    // last per user: any score at or above the threshold owes an alert).
    private static void CheckAlerts(ScenarioContext context, TopicOptions topics, AlertExpectation expectation)
    {
        var alerting = new List<(string Head, string UserId)>();
        foreach (var record in TopicReader.ReadAll(context.Kafka.BootstrapServers, topics.Scores, ScorePartitions, TimeSpan.FromMinutes(2)))
        {
            if (ScoreRecordParser.TryParseHeadScore(record.Value, expectation.Head, out var user, out var score) && score >= expectation.Threshold)
            {
                alerting.Add((expectation.Head, user));
            }
        }

        var alerts = new List<ObservedAlert>();
        long unparsable = 0;
        foreach (var record in TopicReader.ReadAll(context.Kafka.BootstrapServers, AlertTopicPrefix + expectation.Head, AlertPartitions, TimeSpan.FromMinutes(2)))
        {
            if (AlertChecker.TryParse(record.Value, out var alert))
            {
                alerts.Add(alert);
            }
            else
            {
                unparsable++;
            }
        }

        var verdict = AlertChecker.Check(alerts, alerting, new Dictionary<string, TimeSpan> { [expectation.Head] = expectation.Cooldown });
        context.Note(string.Create(CultureInfo.InvariantCulture,
            $"alerts ({expectation.Head}): {verdict.Alerts:N0} messages, {verdict.DistinctKeys:N0} dedup_keys, {verdict.Copies:N0} copies of an alert already published (same event, same key), {alerting.Select(a => a.UserId).Distinct().Count():N0} users owed an alert"));
        if (!verdict.Passed || unparsable > 0)
        {
            context.Fail(string.Create(CultureInfo.InvariantCulture,
                $"alerts: {verdict.MissingUsers} users without an alert, {verdict.UnstableKeys} alerts whose copies carry different dedup_keys, {verdict.Malformed} malformed keys, {unparsable} unparsable messages; e.g. {string.Join("; ", verdict.Examples)}"));
        }

        if (alerting.Count == 0)
        {
            context.Fail($"alerts: no score reached the {expectation.Head} threshold, so the alert check checked nothing");
        }
    }

    private static Dictionary<string, double>? Unowned(ScenarioContext context)
    {
        if (context.Departures.Count == 0)
        {
            return null;
        }

        var samples = context.Lag.Samples;
        var result = new Dictionary<string, double>();
        foreach (var (label, fault, goneAt) in context.Departures)
        {
            if (UnownedTimeCalculator.SecondsUntilEveryPartitionMoves(fault, goneAt, samples) is { } seconds)
            {
                result[label] = seconds;
                context.Note(string.Create(CultureInfo.InvariantCulture, $"unowned after {label}: {seconds:F1} s until every partition's committed offset moved again"));
            }
            else
            {
                context.Fail($"unowned: after '{label}' some partition's committed offset never moved again");
            }
        }

        return result;
    }

    private static async Task StopWorkersAsync(ScenarioContext context)
    {
        var running = context.Workers.Values.Where(w => !w.HasExited).ToList();
        var exits = await Task.WhenAll(running.Select(w => w.TerminateAsync(StopBound)));
        for (var i = 0; i < running.Count; i++)
        {
            if (exits[i] is null)
            {
                context.Fail(string.Create(CultureInfo.InvariantCulture, $"{running[i].Name} did not exit within {StopBound.TotalSeconds:F0} s of SIGTERM at the end (killed)"));
                running[i].Kill();
            }
        }
    }

    private static void CheckProcesses(ScenarioContext context)
    {
        foreach (var worker in context.AllWorkers.Where(w => w.Crashed))
        {
            context.Fail($"{worker.Name} (pid {worker.ProcessId}) exited on its own with code {worker.ExitCode} (log: {worker.LogPath})");
        }
    }

    // librdkafka resets a consumer's position when its offset is gone (the broker dropped the data): whatever lay
    // between is skipped, so each reset counts as a loss.
    private static long OffsetResets(ScenarioContext context)
    {
        long resets = 0;
        foreach (var path in context.AllWorkers.Select(w => w.LogPath).Distinct())
        {
            resets += File.ReadLines(path).Count(line => line.Contains("offset reset", StringComparison.OrdinalIgnoreCase));
        }

        if (resets > 0)
        {
            context.Fail($"{resets} 'offset reset' lines in the workers' logs: data was skipped");
        }

        return resets;
    }

    private string CopyModel(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(_modelsDirectory))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith("model", StringComparison.Ordinal) || name == "segments.json")
            {
                File.Copy(file, Path.Combine(directory, name));
            }
        }

        return Path.Combine(directory, "model.onnx");
    }

    private void Progress(IChaosScenario scenario, string message) =>
        _log.WriteLine($"[{scenario.Name}] {message}");

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }
}
