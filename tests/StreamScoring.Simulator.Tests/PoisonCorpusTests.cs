using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Simulator.Tests;

public sealed class PoisonCorpusTests
{
    // 2026-11-29T12:00:00Z: the wall clock the corpus is built against and parsed at.
    private const long NowMs = 1_795_953_600_000;

    private const string Syntax = "{}[]\":,\\0-e.nt";

    private static readonly IReadOnlyList<PoisonCase> Corpus = PoisonCorpus.Create(NowMs);

    public static TheoryData<string> Names() => [.. Corpus.Select(c => c.Name)];

    private static PoisonCase Case(string name) => Corpus.Single(c => c.Name == name);

    private static EventError Parse(PoisonCase poison) =>
        ClickEventParser.TryParse(poison.Key, poison.Value, new EventLimits(), NowMs, out _, out var error) ? EventError.None : error;

    [Fact]
    public void Create_Corpus_HasAtLeast25DistinctRefusedKindsAndUniqueNames()
    {
        Assert.Equal(Corpus.Count, Corpus.Select(c => c.Name).Distinct().Count());
        Assert.True(Corpus.Count(c => c.Outcome == PoisonOutcome.Refused) >= 25);
        Assert.All(Corpus, c => Assert.Matches("^[a-z0-9_]+$", c.Name));
    }

    [Fact]
    public void Create_Corpus_CoversEveryPayloadErrorCode()
    {
        var covered = Corpus.Where(c => c.Outcome == PoisonOutcome.Refused).Select(c => c.Error).ToHashSet();

        Assert.Equal(EventErrors.All.Where(e => e != EventError.MalformedCsv).Order(), covered.Order());
        Assert.Contains(Corpus, c => c.Outcome == PoisonOutcome.AbsorbedAsDuplicate);
        Assert.Contains(Corpus, c => c.Outcome == PoisonOutcome.Accepted);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_EveryCase_GivesExactlyTheExpectedCode(string name)
    {
        var poison = Case(name);

        var error = Parse(poison);

        Assert.Equal(poison.Outcome == PoisonOutcome.Refused ? poison.Error : EventError.None, error);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TryParse_EveryCaseThroughEveryOverload_NeverThrows(string name)
    {
        var poison = Case(name);

        var keyed = ClickEventParser.TryParse(poison.Key, poison.Value, out var a, out var errorA);
        var plain = ClickEventParser.TryParse(poison.Value, out var b, out var errorB);
        var live = ClickEventParser.TryParse(poison.Key, poison.Value, new EventLimits(), NowMs, out var c, out var errorC);

        Assert.Equal(keyed, a is not null && errorA == EventError.None);
        Assert.Equal(plain, b is not null && errorB == EventError.None);
        Assert.Equal(live, c is not null && errorC == EventError.None);
    }

    [Fact]
    public void ApplyOnce_ParsedCasesInOrder_AcceptedAppliedAndDuplicatesAbsorbed()
    {
        var state = new UserWindowState();
        var ids = new EventIdWindow();

        foreach (var poison in Corpus.Where(c => c.Outcome != PoisonOutcome.Refused))
        {
            Assert.True(ClickEventParser.TryParse(poison.Key, poison.Value, new EventLimits(), NowMs, out var evt, out _), poison.Name);

            var applied = state.ApplyOnce(evt, ids);

            Assert.True(applied == (poison.Outcome == PoisonOutcome.Accepted), poison.Name);
        }

        Assert.Equal(Corpus.Count(c => c.Outcome == PoisonOutcome.Accepted), state.EventsTotal);
    }

    [Fact]
    public void TryParse_UnknownEventType_IsOther()
    {
        Assert.True(ClickEventParser.TryParse(Case("unknown_event_type").Value, out var evt, out _));
        Assert.Equal(EventType.Other, evt.Type);
    }

    [Fact]
    public void TryParse_YearsAheadWithoutClock_IsAcceptedForReplay()
    {
        // The clockless overloads replay historic files and must not depend on the wall clock.
        var poison = Case("ts_years_ahead");

        Assert.True(ClickEventParser.TryParse(poison.Key, poison.Value, out _, out _));
    }

    [Fact]
    public void Create_PayloadTooLarge_HoldsTenMegabytes()
    {
        Assert.True(Case("payload_10mb").Value.Length > PoisonCorpus.HugeValueBytes);
    }

    [Fact]
    public void Create_OtherUser_IdsAndKeysFollowIt()
    {
        var corpus = PoisonCorpus.Create(NowMs, "chaos-7");

        Assert.Equal("chaos-7"u8.ToArray(), corpus[0].Key);
        Assert.True(ClickEventParser.TryParse(corpus[0].Key, corpus[0].Value, new EventLimits(), NowMs, out var evt, out _));
        Assert.StartsWith("chaos-7-", evt.EventId, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => PoisonCorpus.Create(NowMs, "a\"b"));
    }

    [Fact]
    public void TryParse_RandomByteMutationsOfValidEvents_NeverThrow()
    {
        var random = new Random(20261129);
        var sources = Corpus.Where(c => c.Outcome != PoisonOutcome.Refused).Select(c => c.Value).ToArray();
        var limits = new EventLimits();
        var outcomes = new HashSet<EventError>();
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = sources[random.Next(sources.Length)].ToArray();
            var length = bytes.Length;
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var at = random.Next(length);
                switch (random.Next(4))
                {
                    case 0:
                        bytes[at] = (byte)random.Next(256);
                        break;
                    case 1:
                        bytes[at] = (byte)Syntax[random.Next(Syntax.Length)];
                        break;
                    case 2:
                        length = at;
                        break;
                    default:
                        bytes[at] = (byte)(bytes[at] ^ (1 << random.Next(8)));
                        break;
                }
            }

            var payload = bytes.AsSpan(0, length);
            var valid = ClickEventParser.TryParse(Encoding.UTF8.GetBytes("poison-user"), payload, limits, NowMs, out var evt, out var error);
            Assert.Equal(valid, evt is not null);
            Assert.Equal(valid, error == EventError.None);
            var plain = ClickEventParser.TryParse(payload, out _, out var plainError);
            Assert.Equal(valid, plain && error == EventError.None);
            Assert.True(plain || plainError == error, $"{plainError} vs {error}");
            outcomes.Add(error);
        }

        // The mutations reach deep into the parser, not just its first check.
        Assert.True(outcomes.Count >= 6, string.Join(",", outcomes));
    }
}
