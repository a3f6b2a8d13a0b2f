using StreamScoring.Core.Events;
using StreamScoring.Datasets.Import;

namespace StreamScoring.Datasets.Tests.Import;

public class Rees46CsvReaderTests
{
    private static List<ImportedLine> ReadText(string text) => [.. Rees46CsvReader.Read(new StringReader(text), "t")];

    [Fact]
    public void Read_SampleRows_MapEveryColumn()
    {
        var lines = ReadText(Rees46CsvReader.Header + "\n" +
            "2019-10-01 00:00:08 UTC,view,31500053,2053013558031024687,,luminarc,41.16,550978835,6280d577\n" +
            "2019-10-01 00:00:10 UTC,purchase,28719074,2053013565480109009,apparel.shoes.keds,baden,102.71,520571932,ac1cd4e5\n");

        Assert.Equal(2, lines.Count);
        var view = lines[0].Event!;
        Assert.Equal(1, lines[0].Line);
        Assert.Equal("t:1", view.EventId);
        Assert.Equal(EventType.View, view.Type);
        Assert.Equal("cat.2053013558031024687", view.CategoryPath);
        Assert.Equal(new DateTimeOffset(2019, 10, 1, 0, 0, 8, TimeSpan.Zero).ToUnixTimeMilliseconds(), view.TimestampMs);
        var purchase = lines[1].Event!;
        Assert.Equal(EventType.Purchase, purchase.Type);
        Assert.Equal("apparel.shoes.keds", purchase.CategoryPath);
        Assert.Equal(102.71, purchase.Price);
        Assert.Equal("520571932", purchase.UserId);
        Assert.Equal("ac1cd4e5", purchase.SessionId);
        Assert.Equal("baden", purchase.Brand);
    }

    [Theory]
    [InlineData("2019-10-01 00:00:08 UTC,view,1,2,,b,1.0,u", EventError.MalformedCsv)]
    [InlineData("2019-10-01 00:00:08 UTC,view,1,2,,\"b,1.0,u,s", EventError.MalformedCsv)]
    [InlineData("yesterday,view,1,2,,b,1.0,u,s", EventError.InvalidTimestamp)]
    [InlineData("2019-10-01 00:00:08 UTC,,1,2,,b,1.0,u,s", EventError.MissingType)]
    [InlineData("2019-10-01 00:00:08 UTC,view,1,2,,b,1.0,,s", EventError.MissingUserId)]
    [InlineData("2019-10-01 00:00:08 UTC,view,1,2,,b,abc,u,s", EventError.InvalidPrice)]
    [InlineData("2019-10-01 00:00:08 UTC,view,1,2,,b,-3,u,s", EventError.InvalidPrice)]
    public void ParseLine_BadRow_ReturnsItsErrorCode(string row, EventError expected) =>
        Assert.Equal(expected, Rees46CsvReader.ParseLine(row, 1, "t").Error);

    [Fact]
    public void Read_BadRowBetweenGoodOnes_KeepsLineNumbersAndGoodRows()
    {
        var lines = ReadText(Rees46CsvReader.Header + "\n" +
            "2019-10-01 00:00:08 UTC,view,1,2,,b,1.0,u,s\n" +
            "garbage\n" +
            "\n" +
            "2019-10-01 00:00:09 UTC,cart,1,2,\"a,b\",b,1.0,u,s\n");
        Assert.Equal([1L, 2L, 4L], lines.Select(l => l.Line));
        Assert.Equal([true, false, true], lines.Select(l => l.IsValid));
        Assert.Equal("a,b", lines[2].Event!.CategoryPath);
    }

    [Fact]
    public void ReadFile_SharedSample_ParsesEveryRow()
    {
        var path = TestData.Path("rees46", "2019-11-01_0000-0004UTC_events.csv");
        var lines = Rees46CsvReader.ReadFile(path).ToList();
        Assert.Equal(219, lines.Count);
        Assert.All(lines, l => Assert.True(l.IsValid));
        Assert.Equal(68, lines.Select(l => l.Event!.UserId).Distinct().Count());
    }
}
