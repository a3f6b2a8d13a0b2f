using System.Text;
using StreamScoring.Core.Events;
using StreamScoring.Tools.Chaos.Poison;

namespace StreamScoring.Tools.Tests;

public class PoisonCorpusTests
{
    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"session_id\":\"s1\",\"ts\":1764410000000,\"type\":\"purchase\",\"product_id\":\"p1\",\"price\":19.99,\"currency\":\"EUR\",\"device_id\":\"d1\",\"country\":\"DE\"}");

    [Fact]
    public void Create_EveryKind_ParserReportsTheExpectedCodeOrAcceptsTheRedelivery()
    {
        var corpus = PoisonCorpora.Default(seed: 3);

        foreach (var kind in corpus.Kinds)
        {
            var message = corpus.Create(kind, "u1"u8.ToArray(), Valid);
            // The consumer's parser: default limits and the wall clock (future timestamps are refused).
            var valid = ClickEventParser.TryParse(message.Key, message.Value, new EventLimits(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), out _, out var error);
            if (message.ExpectedCode is null)
            {
                Assert.True(valid, kind);
            }
            else
            {
                Assert.False(valid, kind);
                Assert.Equal(message.ExpectedCode, error.Code());
            }
        }
    }

    [Fact]
    public void Kinds_DefaultCorpus_AtLeast25KindsCoveringEveryPayloadErrorAndARedelivery()
    {
        var corpus = PoisonCorpora.Default(seed: 3);

        Assert.True(corpus.Kinds.Count >= PoisonCorpora.TargetKinds, $"{corpus.Kinds.Count} kinds");
        Assert.Contains(MalformedFactoryCorpus.Redelivery, corpus.Kinds);
        var codes = corpus.Kinds.Select(k => corpus.Create(k, "u1"u8.ToArray(), Valid).ExpectedCode).OfType<string>().ToHashSet();
        Assert.All(EventErrors.All.Where(e => e != EventError.MalformedCsv), e => Assert.Contains(e.Code(), codes));
    }

    [Fact]
    public void Create_OversizedCase_IsCutToTheBudgetAndStillRefusedOnSize()
    {
        var corpus = PoisonCorpora.Default(seed: 3);

        var huge = corpus.Create("payload_10mb", "u1"u8.ToArray(), Valid);

        Assert.Equal(SimulatorPoisonCorpus.MaxValueBytes, huge.Value.Length);
        Assert.Equal("payload_too_large", huge.ExpectedCode);
    }
}
