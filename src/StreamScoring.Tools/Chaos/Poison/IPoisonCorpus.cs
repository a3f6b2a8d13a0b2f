namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>
/// Where the <c>poison</c> scenario gets its bad inputs. The seam for the fuller corpus (at least 25 kinds with
/// expected codes) being added to the simulator: implement this over it and pass it to <see cref="PoisonCorpora.Default"/>'s place.
/// </summary>
internal interface IPoisonCorpus
{
    /// <summary>The kinds this corpus makes, as <see cref="PoisonMessage.Kind"/> names.</summary>
    IReadOnlyList<string> Kinds { get; }

    /// <summary>
    /// Makes a bad input of kind <paramref name="kind"/> from a valid event (its wire bytes and key). A kind whose
    /// <see cref="PoisonMessage.ExpectedCode"/> is null is a redelivery of <paramref name="validEvent"/> itself.
    /// </summary>
    PoisonMessage Create(string kind, byte[] key, byte[] validEvent);
}
