using System.Globalization;

namespace StreamScoring.Training.Segments;

/// <summary>How far one segment is from the population on one trait, and the adjective that says so.</summary>
/// <param name="Trait">The behaviour.</param>
/// <param name="Adjective">The word put before a base name, e.g. <c>big-basket</c>.</param>
/// <param name="Label">The behaviour in words, e.g. <c>spend per purchase</c>.</param>
/// <param name="Lift">Segment value / population value (above 1 for a "high" adjective, below for a "low" one).</param>
public readonly record struct TraitLift(SegmentTrait Trait, string Adjective, string Label, double Lift)
{
    /// <summary>Largest strength: a lift of 1000x (or 1/1000x, or a value where the population has none).</summary>
    public const double MaxStrength = 6.907755278982137;

    /// <summary>|ln lift|, capped at <see cref="MaxStrength"/>: how distinctive the trait is.</summary>
    public double Strength => Math.Min(MaxStrength, Math.Abs(Math.Log(Lift)));

    /// <summary>The trait in words for a rule, e.g. <c>big-basket (spend per purchase 2.4x population)</c>.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"{Adjective} ({Label} {Lift:G3}x population)");
}
