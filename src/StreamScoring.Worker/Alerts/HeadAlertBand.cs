namespace StreamScoring.Worker.Alerts;

/// <summary>
/// The band of an alert score, for an analyst triaging a queue: <see cref="High"/> from the threshold up to halfway
/// between the threshold and certainty, <see cref="VeryHigh"/> above. With a calibrated head the score is a
/// probability, so "very high" means at least <c>(1 + threshold) / 2</c> likely.
/// </summary>
internal static class HeadAlertBand
{
    /// <summary>Score at or above the threshold and below the midpoint.</summary>
    public const string High = "high";

    /// <summary>Score at or above the midpoint between the threshold and 1.</summary>
    public const string VeryHigh = "very high";

    /// <summary>The band of <paramref name="score"/> for an alert at <paramref name="threshold"/>.</summary>
    public static string For(float score, float threshold) =>
        score >= threshold + ((1 - threshold) / 2) ? VeryHigh : High;
}
