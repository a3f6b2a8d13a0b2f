using System.Globalization;
using System.Text;

namespace StreamScoring.Training.Segments;

/// <summary>Renders segment profiles as a GitHub-flavoured Markdown table for the model card.</summary>
public static class SegmentMarkdown
{
    /// <summary>
    /// One row per segment: id, name, share, users, events/day, active days, purchases, spend/purchase, views/min,
    /// distinct products, conversion, churn and fraud rates. Unknown values are shown as <c>n/a</c>.
    /// </summary>
    public static string Table(IReadOnlyList<SegmentProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var sb = new StringBuilder();
        sb.AppendLine("| Segment | Name | Share | Users | Events/day | Active days | Purchases | Spend/purchase | Views/min | Distinct products | Conversion | Churn | Fraud |");
        sb.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in profiles)
        {
            var m = p.Means;
            sb.Append(CultureInfo.InvariantCulture, $"| {p.Id} | {Escape(p.Name)} | {Pct(p.Share)} | {p.Size} ")
              .Append(CultureInfo.InvariantCulture, $"| {Num(m.EventsPerDay)} | {Num(m.ActiveDays)} | {Num(m.Purchases)} | {Num(p.SpendPerPurchase)} ")
              .Append(CultureInfo.InvariantCulture, $"| {Num(m.ViewsPerMinute)} | {Num(m.DistinctProducts)} ")
              .Append(CultureInfo.InvariantCulture, $"| {Pct(p.ConversionRate)} | {Pct(p.ChurnRate)} | {Pct(p.FraudRate)} |")
              .AppendLine();
        }

        return sb.ToString();
    }

    // A '|' inside a cell would split it.
    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Pct(double rate) => double.IsNaN(rate) ? "n/a" : (rate * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Num(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.##", CultureInfo.InvariantCulture);
}
