namespace StreamScoring.Deploy.Tests.Support;

/// <summary>One PromQL expression of a dashboard: the file, the panel and target it belongs to, and the expression as written.</summary>
/// <param name="File">Dashboard file name.</param>
/// <param name="Panel">Panel title (or <c>variable NAME</c> for a template variable's query).</param>
/// <param name="RefId">Target ref id (A, B, ...), empty for a variable.</param>
/// <param name="Expression">The PromQL as written, with Grafana variables.</param>
internal sealed record DashboardQuery(string File, string Panel, string RefId, string Expression)
{
    /// <summary>Where the query is, for failure messages.</summary>
    public override string ToString() => $"{File}: '{Panel}' {RefId}: {Expression}";
}
