using System.Text;
using StreamScoring.Core.Events;

namespace StreamScoring.Core.Tests.Events;

public class ClickEventParserTests
{
    private const string Valid =
        """{"event_id":"e1","user_id":"u1","session_id":"s1","ts":1700000000000,"type":"purchase","product_id":"p1","category":"electronics.smartphone","brand":"apple","price":999.5,"currency":"USD","device_id":"d1","ip":"10.0.0.1","country":"DE","user_agent":"ua","campaign_id":"c1"}""";

    private static EventError ErrorOf(string json) => ErrorOf(Encoding.UTF8.GetBytes(json));

    private static EventError ErrorOf(byte[] payload)
    {
        var valid = ClickEventParser.TryParse(payload, out _, out var error);
        Assert.Equal(valid, error == EventError.None);
        return error;
    }

    [Fact]
    public void TryParse_FullEvent_ReadsEveryField()
    {
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(Valid), out var evt, out var error));
        Assert.Equal(EventError.None, error);
        Assert.Equal(
            new ClickEvent
            {
                EventId = "e1", UserId = "u1", SessionId = "s1", TimestampMs = 1700000000000, Type = EventType.Purchase,
                ProductId = "p1", CategoryPath = "electronics.smartphone", Brand = "apple", Price = 999.5, Currency = "USD",
                DeviceId = "d1", Ip = "10.0.0.1", Country = "DE", UserAgent = "ua", CampaignId = "c1",
            },
            evt);
    }

    [Fact]
    public void TryParse_WriterOutput_RoundTrips()
    {
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(Valid), out var evt, out _));
        Assert.True(ClickEventParser.TryParse(ClickEventWriter.ToUtf8(evt!), out var again, out _));
        Assert.Equal(evt, again);
    }

    [Fact]
    public void TryParse_RepeatedLowCardinalityValues_ShareOneString()
    {
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(Valid), out var first, out _));
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(Valid), out var second, out _));

        // Category, brand, currency, country, user agent and campaign repeat across events: one string each.
        Assert.Same(first!.CategoryPath, second!.CategoryPath);
        Assert.Same(first.Brand, second.Brand);
        Assert.Same(first.Currency, second.Currency);
        Assert.Same(first.Country, second.Country);
        Assert.Same(first.UserAgent, second.UserAgent);
        Assert.Same(first.CampaignId, second.CampaignId);

        // Ids and addresses are mostly distinct: read fresh, not pooled.
        Assert.NotSame(first.EventId, second.EventId);
        Assert.NotSame(first.UserId, second.UserId);
        Assert.NotSame(first.Ip, second.Ip);
    }

    [Fact]
    public void TryParse_EscapedPooledField_IsDecoded()
    {
        var json = Valid.Replace("\"brand\":\"apple\"", "\"brand\":\"a\\u0070ple \\\"x\\\"\"", StringComparison.Ordinal);
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(json), out var evt, out var error), error.ToString());
        Assert.Equal("apple \"x\"", evt!.Brand);
    }

    [Theory]
    [InlineData("2023-11-14T22:13:20Z", 1700000000000)]
    [InlineData("2023-11-14T23:13:20+01:00", 1700000000000)]
    [InlineData("2023-11-14T22:13:20.5Z", 1700000000500)]
    [InlineData("1700000000000", 1700000000000)]
    public void TryParse_TimestampForms_GiveEpochMilliseconds(string ts, long expected)
    {
        var json = $$"""{"event_id":"e","user_id":"u","ts":"{{ts}}","type":"view"}""";
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(json), out var evt, out _));
        Assert.Equal(expected, evt.TimestampMs);
    }

    [Fact]
    public void TryParse_NumericIdsAndUnknownFieldsAndNulls_AreAccepted()
    {
        var json = """{"event_id":7,"user_id":42,"ts":1700000000000,"type":"view","labels":{"fraud":true,"x":[1,2]},"brand":null}""";
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(json), out var evt, out _));
        Assert.Equal("7", evt.EventId);
        Assert.Equal("42", evt.UserId);
        Assert.Null(evt.Brand);
    }

    [Fact]
    public void TryParse_UnknownType_MapsToOther()
    {
        var json = """{"event_id":"e","user_id":"u","ts":1700000000000,"type":"wishlist"}""";
        Assert.True(ClickEventParser.TryParse(Encoding.UTF8.GetBytes(json), out var evt, out _));
        Assert.Equal(EventType.Other, evt.Type);
    }

    [Theory]
    [InlineData("", EventError.EmptyPayload)]
    [InlineData("  \n ", EventError.EmptyPayload)]
    [InlineData("{\"event_id\":\"e\"", EventError.MalformedJson)]
    [InlineData("{\"event_id\":\"e\",}", EventError.MalformedJson)]
    [InlineData("not json", EventError.MalformedJson)]
    [InlineData("[1,2]", EventError.NotAnObject)]
    [InlineData("\"text\"", EventError.NotAnObject)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\"} {}", EventError.TrailingData)]
    [InlineData("{\"event_id\":\"e\",\"event_id\":\"f\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\"}", EventError.DuplicateField)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\",\"brand\":5}", EventError.WrongFieldType)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":3}", EventError.WrongFieldType)]
    [InlineData("{\"event_id\":true,\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\"}", EventError.WrongFieldType)]
    [InlineData("{\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\"}", EventError.MissingEventId)]
    [InlineData("{\"event_id\":\"\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\"}", EventError.MissingEventId)]
    [InlineData("{\"event_id\":\"e\",\"ts\":1700000000000,\"type\":\"view\"}", EventError.MissingUserId)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"view\"}", EventError.MissingTimestamp)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":\"yesterday\",\"type\":\"view\"}", EventError.InvalidTimestamp)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1.5e300,\"type\":\"view\"}", EventError.InvalidTimestamp)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":123,\"type\":\"view\"}", EventError.TimestampOutOfRange)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":\"2150-01-01T00:00:00Z\",\"type\":\"view\"}", EventError.TimestampOutOfRange)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000}", EventError.MissingType)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"\"}", EventError.MissingType)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\",\"price\":-1}", EventError.InvalidPrice)]
    [InlineData("{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\",\"price\":\"12\"}", EventError.InvalidPrice)]
    public void TryParse_InvalidPayload_ReturnsItsErrorCode(string json, EventError expected) =>
        Assert.Equal(expected, ErrorOf(json));

    [Fact]
    public void TryParse_InvalidUtf8_IsMalformedJson() =>
        Assert.Equal(EventError.MalformedJson, ErrorOf([.. "{\"event_id\":\""u8, 0xC3, 0x28, .. "\"}"u8]));

    [Fact]
    public void TryParse_InvalidUtf8InSkippedFieldOrName_IsMalformedJson()
    {
        // Regression: the reader decodes only the strings the parser reads, so these used to pass as valid.
        Assert.Equal(EventError.MalformedJson, ErrorOf([.. "{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\",\"labels\":\""u8, 0xFF, .. "\"}"u8]));
        Assert.Equal(EventError.MalformedJson, ErrorOf([.. "{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":1700000000000,\"type\":\"view\",\""u8, 0xC3, 0x28, .. "\":1}"u8]));
    }

    [Fact]
    public void TryParse_OversizedPayload_IsPayloadTooLarge() =>
        Assert.Equal(EventError.PayloadTooLarge, ErrorOf(new byte[ClickEventParser.MaxPayloadBytes + 1]));

    [Fact]
    public void TryParse_OverlongField_IsFieldTooLong() =>
        Assert.Equal(EventError.FieldTooLong, ErrorOf($$"""{"event_id":"e","user_id":"u","ts":1700000000000,"type":"view","user_agent":"{{new string('a', ClickEventParser.MaxFieldChars + 1)}}"}"""));

    [Fact]
    public void TryParse_KeyDiffersFromUserId_IsKeyMismatch()
    {
        Assert.False(ClickEventParser.TryParse("u2"u8, Encoding.UTF8.GetBytes(Valid), out _, out var error));
        Assert.Equal(EventError.KeyMismatch, error);
        Assert.True(ClickEventParser.TryParse("u1"u8, Encoding.UTF8.GetBytes(Valid), out _, out _));
    }

    [Fact]
    public void EventErrors_EveryCode_HasUniqueCodeAndMessage()
    {
        var codes = EventErrors.All.Select(e => e.Code()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(EventErrors.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Describe())));
        Assert.DoesNotContain(EventError.None, EventErrors.All);
    }
}
