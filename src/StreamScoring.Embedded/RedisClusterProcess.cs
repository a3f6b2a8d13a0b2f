using System.Diagnostics;
using System.Globalization;
using StreamScoring.Embedded.Internal;

namespace StreamScoring.Embedded;

/// <summary>
/// A Redis Cluster of private <c>redis-server</c> processes on loopback (<see cref="RedisServerProcess"/> with
/// <see cref="RedisServerProcessOptions.ClusterEnabled"/>), created with <c>redis-cli --cluster create</c>: the
/// primaries share the 16,384 slots evenly and each has its replicas. For the integration tests and the tools;
/// every process goes on dispose. Resharding and failover go through <c>redis-cli</c> too, as an operator would.
/// </summary>
public sealed class RedisClusterProcess : IDisposable
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);
    private readonly List<RedisServerProcess> _nodes;
    private readonly string _cli;

    private RedisClusterProcess(List<RedisServerProcess> nodes, string cli)
    {
        _nodes = nodes;
        _cli = cli;
    }

    /// <summary>Every node's server process (primaries first, as created; roles change with a failover).</summary>
    public IReadOnlyList<RedisServerProcess> Nodes => _nodes;

    /// <summary>A StackExchange.Redis connection string that names every node (the client discovers the rest).</summary>
    public string ConnectionString =>
        string.Join(',', _nodes.Select(static n => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{n.Port}"))) + ",abortConnect=false";

    /// <summary>Finds <c>redis-cli</c> on PATH; null when it is not installed.</summary>
    public static string? FindCli() => ServerProcess.FindOnPath("redis-cli");

    /// <summary>
    /// Starts <paramref name="primaries"/> primaries with <paramref name="replicasPerPrimary"/> replicas each, creates
    /// the cluster and waits until every node reports it healthy (<c>cluster_state:ok</c>, all slots assigned).
    /// </summary>
    /// <exception cref="InvalidOperationException">redis-server or redis-cli is missing, or the cluster did not form.</exception>
    public static async Task<RedisClusterProcess> StartAsync(int primaries = 3, int replicasPerPrimary = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(primaries, 3); // redis-cli --cluster create needs three
        ArgumentOutOfRangeException.ThrowIfNegative(replicasPerPrimary);
        var cli = FindCli() ?? throw new InvalidOperationException("redis-cli is not on PATH (Debian: apt-get install -y redis-tools)");
        var nodes = new List<RedisServerProcess>();
        var cluster = new RedisClusterProcess(nodes, cli);
        try
        {
            for (var i = 0; i < primaries * (1 + replicasPerPrimary); i++)
            {
                nodes.Add(RedisServerProcess.Start(new RedisServerProcessOptions { ClusterEnabled = true }));
            }

            List<string> create = ["--cluster", "create", .. nodes.Select(static n => Address(n.Port)),
                "--cluster-replicas", replicasPerPrimary.ToString(CultureInfo.InvariantCulture), "--cluster-yes"];
            await cluster.CliAsync(create, cancellationToken);
            await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>What every node says about the cluster now (<c>CLUSTER NODES</c> as seen by the first answering node).</summary>
    public async Task<IReadOnlyList<RedisClusterNode>> TopologyAsync(CancellationToken cancellationToken = default)
    {
        foreach (var node in _nodes.Where(static n => n.IsRunning))
        {
            var (exitCode, output) = await RunAsync(_cli, ["-p", Port(node), "cluster", "nodes"], cancellationToken);
            if (exitCode == 0 && output.Contains("myself", StringComparison.Ordinal))
            {
                return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(RedisClusterNode.Parse)];
            }
        }

        throw new InvalidOperationException("no cluster node answered CLUSTER NODES");
    }

    /// <summary>
    /// Moves <paramref name="slots"/> slots, with their keys, from one primary to another (<c>redis-cli --cluster
    /// reshard</c>, which migrates key by key with MIGRATE while clients keep working through MOVED and ASK).
    /// </summary>
    public async Task ReshardAsync(RedisClusterNode from, RedisClusterNode to, int slots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        await CliAsync(["--cluster", "reshard", Address(from.Port), "--cluster-from", from.Id, "--cluster-to", to.Id,
            "--cluster-slots", slots.ToString(CultureInfo.InvariantCulture), "--cluster-yes", "--cluster-pipeline", "100"], cancellationToken);
        await WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>
    /// A manual failover (<c>CLUSTER FAILOVER</c> on <paramref name="replica"/>): the replica waits until it has
    /// every write of its primary, then takes over its slots. Returns when the cluster agrees on the new primary.
    /// </summary>
    public async Task FailoverAsync(RedisClusterNode replica, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            // A manual failover the primary does not complete within its 5 s window (CLUSTER_MF_TIMEOUT) is dropped
            // without an error, so ask again until the replica has taken over.
            await CliAsync(["-p", replica.Port.ToString(CultureInfo.InvariantCulture), "cluster", "failover"], cancellationToken);
            var attempt = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < attempt)
            {
                var topology = await TopologyAsync(cancellationToken);
                if (topology.Any(n => n.Id == replica.Id && n.IsPrimary))
                {
                    await WaitHealthyAsync(TimeSpan.FromSeconds(30), cancellationToken);
                    return;
                }

                await Task.Delay(100, cancellationToken);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"node {replica.Port} did not become a primary within 60 s");
            }
        }
    }

    /// <summary>Stops every node.</summary>
    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }
    }

    // Healthy: every running node says cluster_state:ok and they all agree on every node's role and slots (a node that
    // has not yet heard of a change would send clients the wrong MOVED, or a test would find no replica), and every
    // replica's link to its primary is up with the initial sync done (a manual failover needs it).
    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var running = _nodes.Where(static n => n.IsRunning).ToList();
            var healthy = true;
            var views = new HashSet<string>(StringComparer.Ordinal);
            foreach (var node in running)
            {
                var (infoExit, info) = await RunAsync(_cli, ["-p", Port(node), "cluster", "info"], cancellationToken);
                var (nodesExit, nodesText) = await RunAsync(_cli, ["-p", Port(node), "cluster", "nodes"], cancellationToken);
                last = "CLUSTER INFO: " + info;
                if (infoExit != 0 || nodesExit != 0 || !info.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    healthy = false;
                    break;
                }

                var view = nodesText.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(RedisClusterNode.Parse)
                    .Where(static n => !n.IsFailed)
                    .ToList();
                var myself = view.FirstOrDefault(n => n.Port == node.Port);
                if (view.Count != running.Count || myself is null)
                {
                    healthy = false;
                    last = $"node {node.Port} knows {view.Count} of {running.Count} running nodes";
                    break;
                }

                if (!myself.IsPrimary)
                {
                    var (replicationExit, replication) = await RunAsync(_cli, ["-p", Port(node), "info", "replication"], cancellationToken);
                    if (replicationExit != 0 || !replication.Contains("master_link_status:up", StringComparison.Ordinal)
                        || !replication.Contains("master_sync_in_progress:0", StringComparison.Ordinal))
                    {
                        healthy = false;
                        last = $"replica {node.Port} not in sync: {replication}";
                        break;
                    }
                }

                views.Add(string.Join(' ', view
                    .Select(static n => n.IsPrimary ? $"{n.Id}={n.Slots}" : $"{n.Id}->{n.PrimaryId}")
                    .Order(StringComparer.Ordinal)));
            }

            if (healthy && views.Count == 1)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException($"the Redis Cluster was not healthy within {timeout.TotalSeconds:0} s; last: {last}");
    }

    private async Task CliAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(_cli, arguments, cancellationToken);
        if (exitCode != 0 || output.Contains("[ERR]", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', arguments)} failed (exit {exitCode}): {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CliTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} did not finish within {CliTimeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string Address(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    private static string Port(RedisServerProcess node) => node.Port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One line of <c>CLUSTER NODES</c>: a node's id, port, role and the slots it serves.</summary>
/// <param name="Id">The node id (40 hex characters).</param>
/// <param name="Port">The client port.</param>
/// <param name="IsPrimary">True for a primary (flag <c>master</c>), false for a replica.</param>
/// <param name="PrimaryId">The id of a replica's primary; "-" for a primary.</param>
/// <param name="Slots">The slot ranges it serves, space separated (empty for a replica).</param>
/// <param name="IsFailed">True when the cluster flags the node <c>fail</c> (a stopped node, until it is forgotten).</param>
public sealed record RedisClusterNode(string Id, int Port, bool IsPrimary, string PrimaryId, string Slots, bool IsFailed = false)
{
    /// <summary>Parses one line: <c>id ip:port@bus flags primary ping pong epoch link slot...</c>.</summary>
    public static RedisClusterNode Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Trim().Split(' ');
        var address = fields[1].Split('@')[0];
        var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        var flags = fields[2].Split(',');
        var isPrimary = flags.Contains("master");
        // Slot fields are ranges ("0-5460") or single slots; "[slot->-id]" marks a migration in progress, not served.
        var slots = string.Join(' ', fields.Skip(8).Where(static f => !f.StartsWith('[')));
        return new RedisClusterNode(fields[0], port, isPrimary, fields[3], slots, flags.Contains("fail"));
    }
}
