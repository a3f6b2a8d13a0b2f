namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>Chooses the poison corpus the <c>poison</c> scenario uses.</summary>
internal static class PoisonCorpora
{
    /// <summary>How many kinds the poison scenario aims for; a smaller corpus is noted in the report.</summary>
    public const int TargetKinds = 25;

    /// <summary>
    /// The corpus of today's simulator (<see cref="MalformedFactoryCorpus"/>: 16 codes + a redelivery). Switch
    /// this to the >= 25-kind corpus once the simulator has it; the scenario and checks need no other change.
    /// </summary>
    public static IPoisonCorpus Default(int seed) => new MalformedFactoryCorpus(seed);
}
