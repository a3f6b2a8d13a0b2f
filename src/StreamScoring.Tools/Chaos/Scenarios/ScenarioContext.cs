using System.Diagnostics;
using System.Globalization;
using StreamScoring.Embedded;
using StreamScoring.Kafka;
using StreamScoring.Tools.Chaos.Checking;
using StreamScoring.Tools.Chaos.Harness;

namespace StreamScoring.Tools.Chaos.Scenarios;

/// <summary>What a scenario can act on: the cluster, Redis, the worker processes, the traffic's progress, and the record of faults and findings.</summary>
internal sealed class ScenarioContext
{
    /// <summary>A group is settled after this long without a rebalance callback: longer than one join round of the embedded coordinator (session timeout 6 s minus 1 s), so no round is pending.</summary>
    public static readonly TimeSpan SettledFor = TimeSpan.FromSeconds(6);

    /// <summary>How long <see cref="WaitGroupSettledAsync"/> waits before it records a rebalance storm.</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private const string AssignedMetric = "streamscoring_partitions_assigned";
    private const string RebalancesMetric = "streamscoring_consumer_rebalances_total";
    private readonly Func<string, WorkerProcess> _startWorker;
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];
    private readonly List<(string Label, TimeSpan At, long[] EndOffsets)> _faultEnds = [];
    private readonly List<(string Label, TimeSpan Fault, TimeSpan GoneAt)> _departures = [];

    /// <summary>Creates the context (the runner does).</summary>
    public ScenarioContext(
        string name, EmbeddedKafkaCluster kafka, ChaosRedisServer redis, string modelPath, TrafficGenerator traffic, LagProbe lag,
        Stopwatch clock, HttpClient http, Random random, Func<string, WorkerProcess> startWorker)
    {
        Name = name;
        Kafka = kafka;
        Redis = redis;
        ModelPath = modelPath;
        Traffic = traffic;
        Lag = lag;
        Clock = clock;
        Http = http;
        Random = random;
        _startWorker = startWorker;
    }

    /// <summary>The scenario's name.</summary>
    public string Name { get; }

    /// <summary>The embedded cluster (fault injection).</summary>
    public EmbeddedKafkaCluster Kafka { get; }

    /// <summary>The private redis-server.</summary>
    public ChaosRedisServer Redis { get; }

    /// <summary>The workers' model file (a private copy the scenario may replace).</summary>
    public string ModelPath { get; }

    /// <summary>The traffic.</summary>
    public TrafficGenerator Traffic { get; }

    /// <summary>The group's committed offsets, watched from outside.</summary>
    public LagProbe Lag { get; }

    /// <summary>The scenario clock (started with the traffic).</summary>
    public Stopwatch Clock { get; }

    /// <summary>For /metrics and /readyz.</summary>
    public HttpClient Http { get; }

    /// <summary>Seeded randomness for fault times.</summary>
    public Random Random { get; }

    /// <summary>Workers by name; the runner stops those still running at the end.</summary>
    public Dictionary<string, WorkerProcess> Workers { get; } = [];

    /// <summary>Every worker process started, including killed ones (their logs and exits are checked).</summary>
    public List<WorkerProcess> AllWorkers { get; } = [];

    /// <summary>
    /// Set when Redis lost its data on purpose: events with an event time before this may have left the windows
    /// ("window history lost"); those at or after it must all count.
    /// </summary>
    public long? HistoryLostBeforeMs { get; set; }

    /// <summary>Failed checks so far.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Findings so far.</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>The end of each fault with the input topic's end offsets at that moment.</summary>
    public IReadOnlyList<(string Label, TimeSpan At, long[] EndOffsets)> FaultEnds => _faultEnds;

    /// <summary>Members that left the group (killed or stopped): the fault's time and the time its process was gone.</summary>
    public IReadOnlyList<(string Label, TimeSpan Fault, TimeSpan GoneAt)> Departures => _departures;

    /// <summary>
    /// Records that a member left: <paramref name="fault"/> is when it was signalled, and now (on the scenario clock)
    /// its process has exited. The runner reports how long its partitions then sat unprocessed.
    /// </summary>
    public void MemberLeft(string label, TimeSpan fault) => _departures.Add((label, fault, Clock.Elapsed));

    /// <summary>Starts a worker process named <paramref name="name"/> (replacing the entry of a dead one).</summary>
    public WorkerProcess StartWorker(string name)
    {
        var worker = _startWorker(name);
        Workers[name] = worker;
        AllWorkers.Add(worker);
        return worker;
    }

    /// <summary>Waits until <paramref name="worker"/> is ready; records a failure when it is not within 120 s.</summary>
    public async Task<bool> WaitReadyAsync(WorkerProcess worker, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var ready = await worker.WaitReadyAsync(Http, TimeSpan.FromSeconds(120), cancellationToken);
        if (ready)
        {
            Note(string.Create(CultureInfo.InvariantCulture, $"{worker.Name} ready after {clock.Elapsed.TotalSeconds:F1} s"));
        }
        else
        {
            Fail($"{worker.Name} was not ready within 120 s (log: {worker.LogPath})");
        }

        return ready;
    }

    /// <summary>
    /// Waits until the group has settled: the live workers own all the input partitions between them and none
    /// ran a rebalance callback for <see cref="SettledFor"/>. A fault that lands in the middle of a group change tests
    /// the embedded broker's coordinator more than the worker: it waits session timeout minus 1 s per join round and
    /// elects without evicting members that died during the round, so a kill then can cost several extra rounds.
    /// Records a failure (a rebalance storm) when the group does not settle within <see cref="SettleTimeout"/>.
    /// </summary>
    public async Task<bool> WaitGroupSettledAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        double? last = null;
        var quietSince = TimeSpan.Zero;
        while (clock.Elapsed < SettleTimeout)
        {
            var state = await GroupStateAsync(cancellationToken);
            if (state is { } s && s.Assigned == ScenarioRunner.InputPartitions && s.Rebalances == last)
            {
                if (clock.Elapsed - quietSince >= SettledFor)
                {
                    Note(string.Create(CultureInfo.InvariantCulture, $"group settled {clock.Elapsed.TotalSeconds:F1} s after the wait began ({Workers.Count} workers, rebalance callbacks {s.Rebalances})"));
                    return true;
                }
            }
            else
            {
                last = state?.Rebalances;
                quietSince = clock.Elapsed;
            }

            await Task.Delay(250, cancellationToken);
        }

        Fail(string.Create(CultureInfo.InvariantCulture, $"the group of {Workers.Count} workers did not settle within {SettleTimeout.TotalSeconds:F0} s (every partition owned and no rebalance for {SettledFor.TotalSeconds:F0} s)"));
        return false;
    }

    // Partitions the live workers own together, and their rebalance callbacks together (counters only rise, so the sum
    // moves whenever any worker's does); null when a worker does not answer.
    private async Task<(long Assigned, double Rebalances)?> GroupStateAsync(CancellationToken cancellationToken)
    {
        long assigned = 0;
        double rebalances = 0;
        foreach (var worker in Workers.Values)
        {
            if (await worker.ScrapeAsync(Http, cancellationToken) is not { } text)
            {
                return null;
            }

            assigned += (long)PrometheusText.Sum(text, AssignedMetric);
            rebalances += PrometheusText.Sum(text, RebalancesMetric);
        }

        return (assigned, rebalances);
    }

    /// <summary>Waits until the traffic has sent <paramref name="fraction"/> of its messages.</summary>
    public async Task AtProgressAsync(double fraction, CancellationToken cancellationToken)
    {
        while (Traffic.Progress < fraction)
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>Marks the end of a fault: recovery is measured from here until the group has processed everything produced so far.</summary>
    public void FaultEnded(string label) => _faultEnds.Add((label, Clock.Elapsed, Lag.EndOffsets()));

    /// <summary>
    /// Waits until the group has processed everything produced before the last <see cref="FaultEnded"/> (at most
    /// <paramref name="timeout"/>), so the next fault's recovery is measured alone.
    /// </summary>
    public Task<bool> WaitRecoveredAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _faultEnds.Count == 0 ? Task.FromResult(true) : Lag.WaitCaughtUpAsync(_faultEnds[^1].EndOffsets, timeout, cancellationToken);

    /// <summary>Records a failed check.</summary>
    public void Fail(string reason) => _failures.Add(reason);

    /// <summary>Records a finding.</summary>
    public void Note(string note) => _notes.Add(note);
}
