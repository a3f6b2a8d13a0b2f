using System.Text.Json.Serialization;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// A few window aggregates that explain a score, as <c>drivers</c> in a <see cref="ScoreMessage"/>. Values are
/// <b>raw</b> (counts and currency units), recovered from the model's normalised aggregate vector by inverting
/// each <see cref="AggregateSpec"/>'s normalisation; counts are rounded to integers and spend to cents.
/// </summary>
/// <param name="Events1h">Events of any type in the last hour.</param>
/// <param name="Events24h">Events of any type in the last 24 hours.</param>
/// <param name="Spend24h">Sum of purchase prices in the last 24 hours.</param>
/// <param name="DistinctDevices24h">Distinct devices in the last 24 hours.</param>
/// <param name="DistinctCountries24h">Distinct countries in the last 24 hours.</param>
/// <param name="PaymentFailures1h">payment_failed events in the last hour.</param>
public readonly record struct ScoreDrivers(
    [property: JsonPropertyName("events_1h")] long Events1h,
    [property: JsonPropertyName("events_24h")] long Events24h,
    [property: JsonPropertyName("spend_24h")] double Spend24h,
    [property: JsonPropertyName("distinct_devices_24h")] long DistinctDevices24h,
    [property: JsonPropertyName("distinct_countries_24h")] long DistinctCountries24h,
    [property: JsonPropertyName("payment_failures_1h")] long PaymentFailures1h)
{
    private static readonly int Hour = WindowIndex("1h");
    private static readonly int Day = WindowIndex("24h");

    /// <summary>Reads the drivers from one row of the <c>aggregates</c> input (e.g. <see cref="FeatureBatch.AggregatesOf"/>).</summary>
    public static ScoreDrivers FromAggregates(ReadOnlySpan<float> aggregates)
    {
        if (aggregates.Length != FeatureSpec.AggregateCount)
        {
            ThrowLength(aggregates.Length, nameof(aggregates));
        }

        return new ScoreDrivers(
            Events(aggregates, Hour),
            Events(aggregates, Day),
            Math.Round(Raw(aggregates, Day, WindowStat.Spend), 2),
            Count(aggregates, Day, WindowStat.DistinctDevices),
            Count(aggregates, Day, WindowStat.DistinctCountries),
            Count(aggregates, Hour, WindowStat.PaymentFailures));
    }

    private static long Events(ReadOnlySpan<float> aggregates, int window)
    {
        long total = 0;
        for (var stat = 0; stat < EventTypes.Count; stat++)
        {
            total += Count(aggregates, window, (WindowStat)stat);
        }

        return total;
    }

    private static long Count(ReadOnlySpan<float> aggregates, int window, WindowStat stat) =>
        (long)Math.Round(Raw(aggregates, window, stat));

    // Inverse of AggregateSpec.Normalise.
    private static double Raw(ReadOnlySpan<float> aggregates, int window, WindowStat stat)
    {
        var index = FeatureSpec.AggregateIndex(window, stat);
        var spec = FeatureSpec.Aggregates[index];
        double value = aggregates[index];
        return spec.Normalisation switch
        {
            Normalisation.None => value,
            Normalisation.Log => Math.Max(0, double.ExpM1(value * Math.Log(1 + spec.Scale))),
            Normalisation.SignedLog => Math.Sign(value) * double.ExpM1(Math.Abs(value) * Math.Log(1 + spec.Scale)),
            _ => value,
        };
    }

    private static int WindowIndex(string name)
    {
        for (var i = 0; i < FeatureSpec.Windows.Count; i++)
        {
            if (FeatureSpec.Windows[i].Name == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The feature spec has no '{name}' window.");
    }

    private static void ThrowLength(int length, string paramName) =>
        throw new ArgumentException($"An aggregates row holds {FeatureSpec.AggregateCount} values, not {length}.", paramName);
}
