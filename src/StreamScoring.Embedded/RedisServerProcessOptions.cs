namespace StreamScoring.Embedded;

/// <summary>How <see cref="RedisServerProcess.Start(RedisServerProcessOptions, TimeSpan?)"/> runs its server.</summary>
public sealed class RedisServerProcessOptions
{
    /// <summary>The loopback port; default: a free one. Set it to restart a server where clients expect it.</summary>
    public int? Port { get; init; }

    /// <summary>
    /// The data directory (<c>--dir</c>), owned by the caller: it is kept on dispose, so a server started again with the
    /// same <see cref="Port"/> and directory loads what the previous one saved (<c>dump.rdb</c>). It must exist.
    /// Default: a private temporary directory, deleted on dispose.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>The server's log file (<c>--logfile</c>). Default: none (the log goes to stdout, which is discarded).</summary>
    public string? LogFile { get; init; }

    /// <summary>
    /// PEM certificate of the server. When set (with <see cref="TlsKeyFile"/>) the server speaks only TLS on
    /// <see cref="RedisServerProcess.Port"/> (<c>--tls-port</c>, <c>--port 0</c>). Default: none (plain TCP).
    /// </summary>
    public string? TlsCertFile { get; init; }

    /// <summary>PEM private key of <see cref="TlsCertFile"/>. Default: none.</summary>
    public string? TlsKeyFile { get; init; }

    /// <summary>PEM certificate authority the server trusts for client certificates. Default: none.</summary>
    public string? TlsCaCertFile { get; init; }

    /// <summary>Whether clients must present a certificate signed by <see cref="TlsCaCertFile"/> (mutual TLS). Default: false.</summary>
    public bool TlsAuthClients { get; init; }

    /// <summary>
    /// ACL file (<c>--aclfile</c>, lines like <c>user app on &gt;secret ~* &amp;* +@all</c>), so passwords never
    /// appear on the command line. Default: none (the default user without a password).
    /// </summary>
    public string? AclFile { get; init; }

    /// <summary>
    /// Runs the server as a Redis Cluster node (<c>--cluster-enabled yes</c>, its cluster bus on a free port of its own,
    /// node timeout <see cref="ClusterNodeTimeoutMs"/>). It serves no slot until a cluster is created over it:
    /// <see cref="RedisClusterProcess"/> does that. Default: false (a standalone server).
    /// </summary>
    public bool ClusterEnabled { get; init; }

    /// <summary>How long a cluster node may be unreachable before the others mark it failed, in milliseconds. Default 2000.</summary>
    public int ClusterNodeTimeoutMs { get; init; } = 2000;

    /// <summary>True when the server speaks TLS.</summary>
    public bool UsesTls => !string.IsNullOrEmpty(TlsCertFile);
}
