using System.Globalization;
using StreamScoring.Simulator;

namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>
/// The simulator's <see cref="PoisonCorpus"/>: every case the parser must refuse, each with its own
/// <c>error.code</c>, plus an exact redelivery of a valid event, which must be absorbed as a duplicate.
/// </summary>
/// <remarks>
/// Each copy is made for a user of its own (<c>poison-N</c>), so copies differ in their bytes and the dead-letter
/// check can match every one. The corpus's accepted and absorbed cases are left out: they would be valid
/// traffic whose counts the delivery check does not expect.
/// </remarks>
internal sealed class SimulatorPoisonCorpus : IPoisonCorpus
{
    /// <summary>Largest value sent: well above <c>Input:MaxPayloadBytes</c> (64 KB), well inside a partition's budget.</summary>
    public const int MaxValueBytes = 100 * 1024;

    private int _copies;

    /// <summary>Creates the corpus.</summary>
    public SimulatorPoisonCorpus() =>
        Kinds = [.. Cases(0).Where(c => c.Outcome == PoisonOutcome.Refused).Select(c => c.Name), MalformedFactoryCorpus.Redelivery];

    /// <inheritdoc />
    public IReadOnlyList<string> Kinds { get; }

    /// <inheritdoc />
    public PoisonMessage Create(string kind, byte[] key, byte[] validEvent)
    {
        if (kind == MalformedFactoryCorpus.Redelivery)
        {
            return new PoisonMessage(kind, key, validEvent, null);
        }

        var poison = Cases(Interlocked.Increment(ref _copies)).Single(c => c.Name == kind);
        var value = poison.Value;
        if (value.Length > MaxValueBytes)
        {
            // The parser refuses on size before it reads anything, so the head of an oversized value is refused
            // the same way (payload_too_large). The full 10 MB case is a parser test: Kafka's default
            // message.max.bytes (1 MB) keeps it off a real topic, and the embedded broker keeps ~5 MB a partition.
            value = value.AsSpan(0, MaxValueBytes).ToArray();
        }

        return new PoisonMessage(kind, poison.Key, value, poison.ExpectedCode);
    }

    private static IReadOnlyList<PoisonCase> Cases(int copy) =>
        PoisonCorpus.Create(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "poison-" + copy.ToString(CultureInfo.InvariantCulture));
}
