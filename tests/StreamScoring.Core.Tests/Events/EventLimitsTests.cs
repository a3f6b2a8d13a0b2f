using System.ComponentModel.DataAnnotations;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using StreamScoring.Core.Events;

namespace StreamScoring.Core.Tests.Events;

public sealed class EventLimitsTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private static long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string Event(long ts, string eventId = "e1", string extra = "") =>
        $$"""{"event_id":"{{eventId}}","user_id":"u1","ts":{{ts}},"type":"view"{{extra}}}""";

    private static EventError Live(string json, EventLimits? limits = null)
    {
        var valid = ClickEventParser.TryParse("u1"u8, Encoding.UTF8.GetBytes(json), limits ?? new EventLimits(), NowMs, out var evt, out var error);
        Assert.Equal(valid, evt is not null);
        Assert.Equal(valid, error == EventError.None);
        return error;
    }

    [Fact]
    public void Defaults_AreTheParserCaps()
    {
        var sut = new EventLimits();

        Assert.Equal(ClickEventParser.MaxPayloadBytes, sut.MaxPayloadBytes);
        Assert.Equal(ClickEventParser.MaxFieldChars, sut.MaxStringLength);
        Assert.Equal(ClickEventParser.MaxFieldChars, sut.MaxIdLength);
        Assert.Equal(ClickEventParser.MaxJsonDepth, sut.MaxJsonDepth);
        Assert.Equal(TimeSpan.FromMinutes(5), sut.MaxFutureSkew);
        Assert.Equal("Input", EventLimits.SectionName);
        Assert.True(Validator.TryValidateObject(sut, new ValidationContext(sut), null, validateAllProperties: true));
    }

    [Fact]
    public void Validate_OutOfRangeValues_NameTheKey()
    {
        var sut = new EventLimits { MaxPayloadBytes = 0, MaxFutureSkew = TimeSpan.FromDays(30) };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(sut, new ValidationContext(sut), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Input:MaxPayloadBytes", StringComparison.Ordinal));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Input:MaxFutureSkew", StringComparison.Ordinal));
    }

    [Fact]
    public void TryParse_TimestampWithinSkew_Accepted()
    {
        Assert.Equal(EventError.None, Live(Event(NowMs)));
        Assert.Equal(EventError.None, Live(Event(NowMs + (5 * 60_000))));
        Assert.Equal(EventError.None, Live(Event(NowMs - (3L * 365 * 86_400_000))));
    }

    [Fact]
    public void TryParse_TimestampBeyondSkew_FutureTimestamp()
    {
        Assert.Equal(EventError.FutureTimestamp, Live(Event(NowMs + (5 * 60_000) + 1)));
        Assert.Equal(EventError.FutureTimestamp, Live(Event(NowMs + (3L * 365 * 86_400_000))));
        Assert.Equal("future_timestamp", EventError.FutureTimestamp.Code());
    }

    [Fact]
    public void TryParse_ClockAdvances_SameEventBecomesAcceptable()
    {
        var json = Event(NowMs + (10 * 60_000));
        Assert.Equal(EventError.FutureTimestamp, Live(json));

        Time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(EventError.None, Live(json));
    }

    [Fact]
    public void TryParse_ZeroSkew_RefusesAnyFutureMillisecond()
    {
        var limits = new EventLimits { MaxFutureSkew = TimeSpan.Zero };

        Assert.Equal(EventError.None, Live(Event(NowMs), limits));
        Assert.Equal(EventError.FutureTimestamp, Live(Event(NowMs + 1), limits));
    }

    [Fact]
    public void TryParse_ClocklessOverloads_NoSkewCheck()
    {
        var json = Encoding.UTF8.GetBytes(Event(NowMs + (3L * 365 * 86_400_000)));

        Assert.True(ClickEventParser.TryParse(json, out _, out _));
        Assert.True(ClickEventParser.TryParse("u1"u8, json, out _, out _));
    }

    [Fact]
    public void TryParse_KeyMismatch_ReportedBeforeFutureTimestamp()
    {
        var json = Encoding.UTF8.GetBytes(Event(NowMs + (3L * 365 * 86_400_000)));

        Assert.False(ClickEventParser.TryParse("u2"u8, json, new EventLimits(), NowMs, out var evt, out var error));
        Assert.Null(evt);
        Assert.Equal(EventError.KeyMismatch, error);
    }

    [Fact]
    public void TryParse_SmallerPayloadCap_PayloadTooLarge()
    {
        var json = Event(NowMs, extra: $",\"labels\":\"{new string('x', 400)}\"");

        Assert.Equal(EventError.None, Live(json));
        Assert.Equal(EventError.PayloadTooLarge, Live(json, new EventLimits { MaxPayloadBytes = 256 }));
    }

    [Fact]
    public void TryParse_IdAndStringCaps_AreSeparate()
    {
        var limits = new EventLimits { MaxIdLength = 16, MaxStringLength = 32 };

        Assert.Equal(EventError.None, Live(Event(NowMs, new string('e', 16)), limits));
        Assert.Equal(EventError.FieldTooLong, Live(Event(NowMs, new string('e', 17)), limits));
        Assert.Equal(EventError.None, Live(Event(NowMs, extra: $",\"brand\":\"{new string('b', 32)}\""), limits));
        Assert.Equal(EventError.FieldTooLong, Live(Event(NowMs, extra: $",\"brand\":\"{new string('b', 33)}\""), limits));
    }

    [Fact]
    public void TryParse_EscapedStringOverCap_FieldTooLong()
    {
        // 200 escaped characters are 1200 bytes: the cap counts characters, not bytes.
        var escaped = string.Concat(Enumerable.Repeat("\\u0041", 200));
        var limits = new EventLimits { MaxStringLength = 200 };

        Assert.Equal(EventError.None, Live(Event(NowMs, extra: $",\"brand\":\"{escaped}\""), limits));
        Assert.Equal(EventError.FieldTooLong, Live(Event(NowMs, extra: $",\"brand\":\"{escaped}A\""), limits));
    }

    [Fact]
    public void TryParse_NestingBeyondDepth_MalformedJson()
    {
        var nested = Event(NowMs, extra: ",\"labels\":[[[1]]]");

        Assert.Equal(EventError.None, Live(nested, new EventLimits { MaxJsonDepth = 4 }));
        Assert.Equal(EventError.MalformedJson, Live(nested, new EventLimits { MaxJsonDepth = 3 }));
    }

    [Fact]
    public void TryParse_LiveOverload_AllocatesExactlyWhatTheClocklessOneDoes()
    {
        // The hot path: limits and the skew check add no allocation to the event and its strings.
        var payload = Encoding.UTF8.GetBytes(Event(NowMs - 1000, extra: ",\"session_id\":\"s1\",\"product_id\":\"p1\",\"price\":9.5,\"brand\":\"acme\""));
        var limits = new EventLimits();
        Assert.True(ClickEventParser.TryParse("u1"u8, payload, limits, NowMs, out _, out _));
        Assert.True(ClickEventParser.TryParse("u1"u8, payload, out _, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        ClickEventParser.TryParse("u1"u8, payload, out _, out _);
        var clockless = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        ClickEventParser.TryParse("u1"u8, payload, limits, NowMs, out _, out _);
        var live = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(clockless, live);
    }

    [Fact]
    public void TryParse_RefusedForFutureTimestamp_AllocatesNoMoreThanAValidParse()
    {
        var limits = new EventLimits();
        var future = Encoding.UTF8.GetBytes(Event(NowMs + (3L * 365 * 86_400_000)));
        var valid = Encoding.UTF8.GetBytes(Event(NowMs));
        ClickEventParser.TryParse("u1"u8, future, limits, NowMs, out _, out _);
        ClickEventParser.TryParse("u1"u8, valid, limits, NowMs, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        ClickEventParser.TryParse("u1"u8, valid, limits, NowMs, out _, out _);
        var accepted = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        ClickEventParser.TryParse("u1"u8, future, limits, NowMs, out _, out _);
        var refused = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(refused, 0, accepted);
    }

    [Fact]
    public void IsTooFarAhead_NearMaxValue_DoesNotWrap()
    {
        Assert.False(ClickEventParser.IsTooFarAhead(long.MaxValue, long.MaxValue - 10, TimeSpan.FromMinutes(5)));
        Assert.True(ClickEventParser.IsTooFarAhead(1001, 1000, TimeSpan.Zero));
        Assert.True(ClickEventParser.IsTooFarAhead(1001, 1000, TimeSpan.FromDays(-1)));
        Assert.True(ClickEventParser.IsTooFarAhead(long.MaxValue, long.MaxValue - 10, TimeSpan.FromDays(-1)));
    }
}
