using System.Text;
using StreamScoring.Core.Events;

namespace StreamScoring.Simulator.Tests;

public sealed class JsonlTests
{
    private static List<LabelledEvent> Sample() =>
        [.. ClickstreamSimulator.Generate(SimulatorOptions.Training(11) with { Users = 120, Days = 7 })];

    private static MemoryStream Write(IEnumerable<LabelledEvent> events)
    {
        var stream = new MemoryStream();
        using (var writer = new JsonlWriter(stream, leaveOpen: true))
        {
            writer.WriteAll(events);
        }

        stream.Position = 0;
        return stream;
    }

    [Fact]
    public void ReadWrite_GeneratedEvents_RoundTripExactly()
    {
        var events = Sample();
        using var stream = Write(events);

        var lines = LabelledEventReader.Read(stream).ToList();

        Assert.Equal(events.Count, lines.Count);
        Assert.All(lines, l => Assert.True(l.IsValid));
        Assert.Equal(events, lines.Select(l => l.Event!));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), lines.Select(l => l.LineNumber));
    }

    [Fact]
    public void Write_Line_IsAPlainEventForTheServingParser()
    {
        var labelled = Sample().First(e => e.Labels.FraudKind == FraudKind.None);

        var bytes = JsonlWriter.ToUtf8(labelled);

        Assert.True(ClickEventParser.TryParse(bytes, out var evt, out var error), error.Code());
        Assert.Equal(labelled.Event, evt);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.Contains("\"labels\":{\"fraud\":false,\"fraud_user\":false,\"fraud_kind\":null,\"behaviour\":", text, StringComparison.Ordinal);
        Assert.Contains("\"will_convert\":", text, StringComparison.Ordinal);
        Assert.Contains("\"will_churn\":", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadLines_ReportedWithLineNumberAndCode()
    {
        var good = Encoding.UTF8.GetString(JsonlWriter.ToUtf8(Sample()[0]));
        var text = $"{good}\n{{\"event_id\":\n\n{good}\r\n[1]\n{good.Replace("\"fraud\":false", "\"fraud\":\"no\"", StringComparison.Ordinal)}\n{{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1569888000000,\"type\":\"view\"}}";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var lines = LabelledEventReader.Read(stream).ToList();

        Assert.Equal(
            [
                (1L, EventError.None), (2L, EventError.MalformedJson), (3L, EventError.EmptyPayload),
                (4L, EventError.None), (5L, EventError.NotAnObject), (6L, EventError.WrongFieldType), (7L, EventError.None),
            ],
            lines.Select(l => (l.LineNumber, l.Error)));
        Assert.Same(EventLabels.Unknown, lines[6].Event!.Labels);
    }

    [Fact]
    public void Read_OverlongLine_ReportedOnceThenReadingContinues()
    {
        var good = Encoding.UTF8.GetString(JsonlWriter.ToUtf8(Sample()[0]));
        var text = $"{good}\n{{\"pad\":\"{new string('x', 200_000)}\"}}\n{good}\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var lines = LabelledEventReader.Read(stream).ToList();

        Assert.Equal([(1L, EventError.None), (2L, EventError.PayloadTooLarge), (3L, EventError.None)], lines.Select(l => (l.LineNumber, l.Error)));
    }

    [Fact]
    public void ReadFile_WrittenFile_ReadsBack()
    {
        var events = Sample().Take(100).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var writer = new JsonlWriter(File.Create(path)))
            {
                Assert.Equal(100, writer.WriteAll(events));
            }

            Assert.Equal(events, LabelledEventReader.ReadFile(path).Select(l => l.Event!));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
