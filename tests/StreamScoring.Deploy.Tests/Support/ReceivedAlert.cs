namespace StreamScoring.Deploy.Tests.Support;

/// <summary>One alert of an Alertmanager webhook notification.</summary>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="Labels">The alert's labels (alertname, severity, dependency, ...).</param>
/// <param name="Annotations">The alert's annotations (summary, description, runbook_url).</param>
/// <param name="ReceivedAt">When the webhook received it.</param>
internal sealed record ReceivedAlert(string Status, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations, DateTimeOffset ReceivedAt)
{
    /// <summary>The alert's name.</summary>
    public string Name => Labels.GetValueOrDefault("alertname", "");

    public override string ToString() => $"{Status} {string.Join(",", Labels.Select(static l => $"{l.Key}={l.Value}"))}";
}
