using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Simulator;

namespace StreamScoring.Tools.Chaos.Poison;

/// <summary>
/// The corpus available today: every <see cref="MalformedEventFactory.SupportedErrors"/> code (each in the
/// factory's several shapes), plus an exact redelivery of a valid event, which must be absorbed as a duplicate.
/// </summary>
internal sealed class MalformedFactoryCorpus : IPoisonCorpus
{
    /// <summary>The kind that re-sends a valid event unchanged.</summary>
    public const string Redelivery = "redelivered_valid_event";

    private readonly MalformedEventFactory _factory;
    private readonly Dictionary<string, EventError> _byCode;

    /// <summary>Creates the corpus; <paramref name="seed"/> drives the factory's choice of shapes.</summary>
    public MalformedFactoryCorpus(int seed)
    {
        _factory = new MalformedEventFactory(seed);
        _byCode = MalformedEventFactory.SupportedErrors.ToDictionary(e => e.Code());
        Kinds = [.. _byCode.Keys, Redelivery];
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Kinds { get; }

    /// <inheritdoc />
    public PoisonMessage Create(string kind, byte[] key, byte[] validEvent)
    {
        if (kind == Redelivery)
        {
            return new PoisonMessage(kind, key, validEvent, null);
        }

        var payload = _factory.Create(validEvent, _byCode[kind]);
        return new PoisonMessage(kind, payload.Key, payload.Value, payload.Error.Code());
    }
}
