using StreamScoring.Core.Events;

namespace StreamScoring.Simulator.Tests;

public sealed class MalformedEventFactoryTests
{
    private static readonly List<LabelledEvent> Sample =
        [.. ClickstreamSimulator.Generate(SimulatorOptions.Training(21) with { Users = 60, Days = 3 })];

    public static TheoryData<EventError> Kinds() => [.. MalformedEventFactory.SupportedErrors];

    private static MalformedEventFactory CreateSut(int seed = 1) => new(seed);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Create_EveryKind_ParserReportsExactlyThatCode(EventError kind)
    {
        var sut = CreateSut();

        // Many events of every type, both with labels (JSONL lines) and as plain wire events.
        foreach (var labelled in Sample.Where((_, i) => i % 7 == 0).Take(150))
        {
            foreach (var source in new[] { JsonlWriter.ToUtf8(labelled), ClickEventWriter.ToUtf8(labelled.Event) })
            {
                var payload = sut.Create(source, kind);

                Assert.Equal(kind, payload.Error);
                Assert.False(ClickEventParser.TryParse(payload.Key, payload.Value, out var evt, out var error));
                Assert.Null(evt);
                Assert.Equal(kind, error);
            }
        }
    }

    [Fact]
    public void SupportedErrors_EveryPayloadError_ButNotCsvOrClockDependent()
    {
        Assert.Contains(EventError.TrailingData, MalformedEventFactory.SupportedErrors);
        Assert.DoesNotContain(EventError.MalformedCsv, MalformedEventFactory.SupportedErrors);
        Assert.DoesNotContain(EventError.FutureTimestamp, MalformedEventFactory.SupportedErrors);
        Assert.Equal(EventErrors.All.Count - 2, MalformedEventFactory.SupportedErrors.Count);
    }

    [Fact]
    public void Create_MalformedJson_ComesInSeveralShapes()
    {
        var sut = CreateSut();
        var source = ClickEventWriter.ToUtf8(Sample[0].Event);

        var shapes = Enumerable.Range(0, 60).Select(_ => Convert.ToBase64String(sut.Create(source, EventError.MalformedJson).Value)).Distinct().Count();

        Assert.True(shapes >= 4);
    }

    [Fact]
    public void Create_KeyMismatch_ValueIsValidButKeyDiffers()
    {
        var source = ClickEventWriter.ToUtf8(Sample[0].Event);

        var payload = CreateSut().Create(source, EventError.KeyMismatch);

        Assert.True(ClickEventParser.TryParse(payload.Value, out _, out _));
        Assert.NotEqual(Sample[0].Event.UserId, System.Text.Encoding.UTF8.GetString(payload.Key));
    }

    [Fact]
    public void Create_OtherKinds_KeyIsTheUserId()
    {
        var payload = CreateSut().Create(ClickEventWriter.ToUtf8(Sample[0].Event), EventError.MissingTimestamp);

        Assert.Equal(Sample[0].Event.UserId, System.Text.Encoding.UTF8.GetString(payload.Key));
    }

    [Fact]
    public void Create_SameSeed_SamePayloads()
    {
        var a = CreateSut(5);
        var b = CreateSut(5);

        foreach (var labelled in Sample.Take(50))
        {
            var source = JsonlWriter.ToUtf8(labelled);
            var x = a.CreateAny(source);
            var y = b.CreateAny(source);
            Assert.Equal(x.Error, y.Error);
            Assert.Equal(x.Key, y.Key);
            Assert.Equal(x.Value, y.Value);
        }
    }

    [Fact]
    public void Create_InvalidSourceOrNone_Throws()
    {
        var sut = CreateSut();

        Assert.Throws<ArgumentException>(() => sut.Create("{}"u8, EventError.MalformedJson));
        Assert.Throws<ArgumentOutOfRangeException>(() => sut.Create(ClickEventWriter.ToUtf8(Sample[0].Event), EventError.None));
    }

    [Fact]
    public void ToMessages_Share_ReplacesAboutThatShareWithExpectedErrors()
    {
        var messages = CreateSut().ToMessages(Sample, malformedShare: 0.1).ToList();

        Assert.Equal(Sample.Count, messages.Count);
        var bad = messages.Where(m => m.ExpectedError != EventError.None).ToList();
        Assert.InRange(bad.Count, Sample.Count * 0.07, Sample.Count * 0.13);
        Assert.True(bad.Select(m => m.ExpectedError).Distinct().Count() >= 10, "many kinds appear");
        Assert.All(messages, m =>
        {
            Assert.Equal(m.ExpectedError == EventError.None, ClickEventParser.TryParse(m.Key, m.Value, out var evt, out var error));
            Assert.Equal(m.ExpectedError, error);
            if (error == EventError.None)
            {
                Assert.Equal(m.Source.Event, evt);
            }
        });
    }

    [Fact]
    public void ToMessages_ZeroShare_AllValid()
    {
        Assert.All(CreateSut().ToMessages(Sample.Take(200), 0), m => Assert.Equal(EventError.None, m.ExpectedError));
    }
}
