namespace StreamScoring.Core.Features;

/// <summary>How a raw aggregate is turned into a model input.</summary>
public enum Normalisation
{
    /// <summary>Used as is (flags).</summary>
    None,
    /// <summary><c>log1p(max(x,0)) / log1p(scale)</c>.</summary>
    Log,
    /// <summary><c>sign(x) * log1p(|x|) / log1p(scale)</c>.</summary>
    SignedLog,
}

/// <summary>One entry of the aggregate vector: its name, normalisation and scale constant.</summary>
/// <param name="Name">Snake-case name, unique, as in the model manifest.</param>
/// <param name="Normalisation">How the raw value is transformed.</param>
/// <param name="Scale">The raw value that maps to 1.</param>
public sealed record AggregateSpec(string Name, Normalisation Normalisation, double Scale)
{
    /// <summary>The model input for raw value <paramref name="raw"/>.</summary>
    public float Normalise(double raw) => Normalisation switch
    {
        Normalisation.None => (float)raw,
        Normalisation.Log => (float)(Math.Log(1 + Math.Max(raw, 0)) / Math.Log(1 + Scale)),
        Normalisation.SignedLog => (float)(Math.Sign(raw) * Math.Log(1 + Math.Abs(raw)) / Math.Log(1 + Scale)),
        _ => throw new InvalidOperationException($"unknown normalisation {Normalisation}"),
    };
}
