using System.Text.Json.Serialization;
using StreamScoring.Core.Features;

namespace StreamScoring.Worker.Messages;

/// <summary>The three head probabilities of one user (<c>scores</c> in a <see cref="ScoreMessage"/>).</summary>
/// <param name="Fraud">Probability that the user's recent activity is fraudulent.</param>
/// <param name="Churn">Probability that the user churns.</param>
/// <param name="Conversion">Probability that the user's session converts (purchases).</param>
public readonly record struct HeadScores(
    [property: JsonPropertyName("fraud")] float Fraud,
    [property: JsonPropertyName("churn")] float Churn,
    [property: JsonPropertyName("conversion")] float Conversion)
{
    /// <summary>Reads one row of the model's <c>scores</c> output (<see cref="FeatureSpec.Heads"/> order).</summary>
    public static HeadScores FromRow(ReadOnlySpan<float> row)
    {
        if (row.Length != FeatureSpec.Heads.Count)
        {
            ThrowRow(row.Length, nameof(row));
        }

        return new HeadScores(row[FeatureSpec.FraudHead], row[FeatureSpec.ChurnHead], row[FeatureSpec.ConversionHead]);
    }

    private static void ThrowRow(int length, string paramName) =>
        throw new ArgumentException($"A scores row holds {FeatureSpec.Heads.Count} values, not {length}.", paramName);
}
