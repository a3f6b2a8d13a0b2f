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
            var valid = ClickEventParser.TryParse(message.Key, message.Value, out _, out var error);
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
    public void Kinds_TodaysCorpus_CoversEverySupportedErrorAndARedelivery()
    {
        var corpus = PoisonCorpora.Default(seed: 3);

        Assert.Equal(StreamScoring.Simulator.MalformedEventFactory.SupportedErrors.Count + 1, corpus.Kinds.Count);
        Assert.Contains(MalformedFactoryCorpus.Redelivery, corpus.Kinds);
    }
}
