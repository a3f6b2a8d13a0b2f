namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>Chooses the poison corpus the <c>poison</c> scenario uses.</summary>
internal static class PoisonCorpora
{
    /// <summary>How many kinds the poison scenario aims for; a smaller corpus is noted in the report.</summary>
    public const int TargetKinds = 25;

    /// <summary>
    /// The simulator's poison corpus (<see cref="SimulatorPoisonCorpus"/>: every refused case, each with its own code,
    /// plus a redelivery). <paramref name="seed"/> is kept for <see cref="MalformedFactoryCorpus"/>, the older corpus.
    /// </summary>
    public static IPoisonCorpus Default(int seed)
    {
        _ = seed;
        return new SimulatorPoisonCorpus();
    }
}
