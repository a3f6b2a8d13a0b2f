using System.Globalization;

namespace StreamScoring.Tools.Chaos.Checking;

/// <summary>Reads samples of one metric from Prometheus text exposition (what a worker's /metrics returns).</summary>
internal static class PrometheusText
{
    /// <summary>The samples of <paramref name="metric"/>: label text (between braces, empty when none) and value.</summary>
    public static List<(string Labels, double Value)> Samples(string text, string metric)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<(string, double)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(metric, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[metric.Length..];
            string labels;
            if (rest.StartsWith('{'))
            {
                var close = rest.IndexOf('}', StringComparison.Ordinal);
                labels = rest[1..close];
                rest = rest[(close + 1)..];
            }
            else if (rest.StartsWith(' '))
            {
                labels = "";
            }
            else
            {
                continue; // another metric whose name starts with this one
            }

            var parts = rest.Trim().Split(' ');
            if (double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                result.Add((labels, value));
            }
        }

        return result;
    }

    /// <summary>The sum of every sample of <paramref name="metric"/>.</summary>
    public static double Sum(string text, string metric) => Samples(text, metric).Sum(s => s.Value);
}
