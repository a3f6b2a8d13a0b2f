namespace StreamScoring.Embedded;

/// <summary>How <see cref="AlertmanagerProcess.StartAsync"/> configures its Alertmanager.</summary>
public sealed class AlertmanagerProcessOptions
{
    /// <summary>
    /// URL every notification is POSTed to (a <c>webhook_configs</c> receiver with <c>send_resolved: true</c>).
    /// Default: none, so alerts are only shown in the UI and API.
    /// </summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>How long a new group waits for more alerts before its first notification (<c>group_wait</c>). Default 1 s.</summary>
    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a group waits before notifying about changes, resolutions included (<c>group_interval</c>). Default 1 s.</summary>
    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long before an unchanged firing group is notified again (<c>repeat_interval</c>). Default 1 h.</summary>
    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The loopback port to listen on; default: a free one.</summary>
    public int? Port { get; init; }
}
