using StreamScoring.Core.Events;
using StreamScoring.Datasets.Import;

namespace StreamScoring.Datasets.Tests.Import;

public sealed class DigineticaReaderTests
{
    private const string Views = """
        session_id;user_id;item_id;timeframe;eventdate
        2;NA;3147;883039;2016-05-09
        2;NA;32754;359839;2016-05-09
        7;55;47;0;2016-01-20
        8;55;60;1000;2016-01-21
        9;NA;60;bad;2016-01-21
        """;

    private const string Purchases = """
        sessionId;userId;timeframe;eventdate;ordernumber;itemId
        2;NA;900000;2016-05-09;13700;3147
        """;

    private const string Categories = """
        itemId;categoryId
        47;1145
        3147;755
        """;

    private static (List<ClickEvent> Events, int Bad) Read() =>
        DigineticaReader.Read(new StringReader(Views), new StringReader(Purchases), new StringReader(Categories));

    [Fact]
    public void Read_ViewsAndPurchases_MapOntoTheEventSchema()
    {
        var (events, bad) = Read();

        Assert.Equal(1, bad); // the row with timeframe "bad"
        Assert.Equal(5, events.Count);
        var first = events[0];
        Assert.Equal("diginetica-views:1", first.EventId);
        Assert.Equal("dg-s2", first.UserId); // anonymous session: its own user
        Assert.Equal("dg-2", first.SessionId);
        Assert.Equal(EventType.View, first.Type);
        Assert.Equal("3147", first.ProductId);
        Assert.Equal("dg.755", first.CategoryPath);
        Assert.Equal(new DateTimeOffset(2016, 5, 9, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds() + 883039, first.TimestampMs);
        Assert.Equal(0, first.Price);
        Assert.Null(events[1].CategoryPath); // item without a category row

        var purchase = events[^1];
        Assert.Equal(EventType.Purchase, purchase.Type);
        Assert.Equal("diginetica-purchases:1", purchase.EventId);
        Assert.Equal("dg-s2", purchase.UserId);
        Assert.True(purchase.TimestampMs > first.TimestampMs);
    }

    [Fact]
    public void Read_RegisteredUser_KeepsOneUserAcrossSessions()
    {
        var (events, _) = Read();

        var user55 = events.Where(e => e.UserId == "dg-u55").ToList();
        Assert.Equal(2, user55.Count);
        Assert.Equal(["dg-7", "dg-8"], user55.Select(e => e.SessionId));
    }
}
