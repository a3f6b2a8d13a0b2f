using System.Buffers;
using System.Text.Json;

namespace StreamScoring.Worker.Messages;

/// <summary>
/// Writes <see cref="ScoreMessage"/> and <see cref="AlertMessage"/> as UTF-8 JSON into one reused buffer
/// (no allocation per message in the steady state). The returned memory is valid until the next write: hand it
/// to the Kafka producer (which copies it) before writing the next message. Not thread-safe: one per producer loop.
/// </summary>
public sealed class ScoringMessageWriter : IDisposable
{
    private static readonly JsonEncodedText UserId = JsonEncodedText.Encode("user_id");
    private static readonly JsonEncodedText Scores = JsonEncodedText.Encode("scores");
    private static readonly JsonEncodedText Fraud = JsonEncodedText.Encode("fraud");
    private static readonly JsonEncodedText Churn = JsonEncodedText.Encode("churn");
    private static readonly JsonEncodedText Conversion = JsonEncodedText.Encode("conversion");
    private static readonly JsonEncodedText Segment = JsonEncodedText.Encode("segment");
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText ModelVersion = JsonEncodedText.Encode("model_version");
    private static readonly JsonEncodedText EventTime = JsonEncodedText.Encode("event_time");
    private static readonly JsonEncodedText ScoredTime = JsonEncodedText.Encode("scored_time");
    private static readonly JsonEncodedText Drivers = JsonEncodedText.Encode("drivers");
    private static readonly JsonEncodedText Events1h = JsonEncodedText.Encode("events_1h");
    private static readonly JsonEncodedText Events24h = JsonEncodedText.Encode("events_24h");
    private static readonly JsonEncodedText Spend24h = JsonEncodedText.Encode("spend_24h");
    private static readonly JsonEncodedText DistinctDevices24h = JsonEncodedText.Encode("distinct_devices_24h");
    private static readonly JsonEncodedText DistinctCountries24h = JsonEncodedText.Encode("distinct_countries_24h");
    private static readonly JsonEncodedText PaymentFailures1h = JsonEncodedText.Encode("payment_failures_1h");
    private static readonly JsonEncodedText Head = JsonEncodedText.Encode("head");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText Threshold = JsonEncodedText.Encode("threshold");
    private static readonly JsonEncodedText DedupKey = JsonEncodedText.Encode("dedup_key");
    private static readonly JsonEncodedText SessionId = JsonEncodedText.Encode("session_id");
    private static readonly JsonEncodedText DeviceId = JsonEncodedText.Encode("device_id");
    private static readonly JsonEncodedText Band = JsonEncodedText.Encode("band");
    private static readonly JsonEncodedText FeatureSpecHash = JsonEncodedText.Encode("feature_spec_hash");
    private static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
    private static readonly JsonEncodedText FreshnessSeconds = JsonEncodedText.Encode("freshness_seconds");
    private static readonly JsonEncodedText Reasons = JsonEncodedText.Encode("reasons");
    private static readonly JsonEncodedText ReasonsBaseline = JsonEncodedText.Encode("reasons_baseline");
    private static readonly JsonEncodedText Code = JsonEncodedText.Encode("code");
    private static readonly JsonEncodedText Feature = JsonEncodedText.Encode("feature");
    private static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");
    private static readonly JsonEncodedText Baseline = JsonEncodedText.Encode("baseline");
    private static readonly JsonEncodedText Contribution = JsonEncodedText.Encode("contribution");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText NextCategories = JsonEncodedText.Encode("next_categories");
    private static readonly JsonEncodedText Category = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText Bucket = JsonEncodedText.Encode("bucket");
    private static readonly JsonEncodedText NextItems = JsonEncodedText.Encode("next_items");
    private static readonly JsonEncodedText ProductId = JsonEncodedText.Encode("product_id");

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;

    /// <summary>Creates a writer with its own buffer.</summary>
    public ScoringMessageWriter() => _json = new Utf8JsonWriter(_buffer);

    /// <summary>Writes a score message; the bytes are valid until the next write.</summary>
    public ReadOnlyMemory<byte> Write(in ScoreMessage message)
    {
        Begin();
        _json.WriteString(UserId, message.UserId);
        _json.WriteStartObject(Scores);
        WriteScore(Fraud, message.Scores.Fraud);
        WriteScore(Churn, message.Scores.Churn);
        WriteScore(Conversion, message.Scores.Conversion);
        _json.WriteEndObject();
        WriteSegment(message.Segment);
        _json.WriteString(ModelVersion, message.ModelVersion);
        _json.WriteString(EventTime, message.EventTime.ToUniversalTime());
        _json.WriteString(ScoredTime, message.ScoredTime.ToUniversalTime());
        var d = message.Drivers;
        _json.WriteStartObject(Drivers);
        _json.WriteNumber(Events1h, d.Events1h);
        _json.WriteNumber(Events24h, d.Events24h);
        _json.WriteNumber(Spend24h, d.Spend24h);
        _json.WriteNumber(DistinctDevices24h, d.DistinctDevices24h);
        _json.WriteNumber(DistinctCountries24h, d.DistinctCountries24h);
        _json.WriteNumber(PaymentFailures1h, d.PaymentFailures1h);
        _json.WriteEndObject();
        WriteNextCategories(message.NextCategories);
        WriteNextItems(message.NextItems);
        return End();
    }

    /// <summary>Writes an alert message; the bytes are valid until the next write.</summary>
    public ReadOnlyMemory<byte> Write(in AlertMessage message)
    {
        Begin();
        _json.WriteString(DedupKey, message.DedupKey);
        _json.WriteString(UserId, message.UserId);
        _json.WriteString(SessionId, message.SessionId);
        _json.WriteString(DeviceId, message.DeviceId);
        _json.WriteString(Head, message.Head);
        WriteScore(Score, message.Score);
        _json.WriteString(Band, message.Band);
        WriteScore(Threshold, message.Threshold);
        _json.WriteString(ModelVersion, message.ModelVersion);
        _json.WriteString(FeatureSpecHash, message.FeatureSpecHash);
        _json.WriteString(EventId, message.EventId);
        _json.WriteString(EventTime, message.EventTime.ToUniversalTime());
        _json.WriteString(ScoredTime, message.ScoredTime.ToUniversalTime());
        WriteNumber(FreshnessSeconds, message.FreshnessSeconds);
        WriteSegment(message.Segment);
        _json.WriteStartArray(Reasons);
        foreach (var reason in message.Reasons ?? [])
        {
            _json.WriteStartObject();
            _json.WriteString(Code, reason.Code);
            _json.WriteString(Name, reason.Name);
            _json.WriteString(Feature, reason.Feature);
            WriteNumber(Value, reason.Value);
            WriteNumber(Baseline, reason.Baseline);
            WriteScore(Contribution, reason.Contribution);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
        if (message.ReasonsBaseline is { } baseline)
        {
            _json.WriteStartObject(ReasonsBaseline);
            _json.WriteString(Source, baseline.Source);
            _json.WriteString(Name, baseline.Name);
            _json.WriteEndObject();
        }
        else
        {
            _json.WriteNull(ReasonsBaseline);
        }

        return End();
    }

    /// <inheritdoc/>
    public void Dispose() => _json.Dispose();

    private void Begin()
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
    }

    private ReadOnlyMemory<byte> End()
    {
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    // JSON has no NaN; a non-finite score (a broken model) is written as null rather than failing the batch.
    private void WriteScore(JsonEncodedText name, float value)
    {
        if (float.IsFinite(value))
        {
            _json.WriteNumber(name, value);
        }
        else
        {
            _json.WriteNull(name);
        }
    }

    private void WriteNumber(JsonEncodedText name, double value)
    {
        if (double.IsFinite(value))
        {
            _json.WriteNumber(name, value);
        }
        else
        {
            _json.WriteNull(name);
        }
    }

    private void WriteNextCategories(IReadOnlyList<NextCategoryRef>? categories)
    {
        if (categories is null)
        {
            _json.WriteNull(NextCategories);
            return;
        }

        _json.WriteStartArray(NextCategories);
        foreach (var c in categories)
        {
            _json.WriteStartObject();
            if (c.Category is null)
            {
                _json.WriteNull(Category);
            }
            else
            {
                _json.WriteString(Category, c.Category);
            }

            _json.WriteNumber(Bucket, c.Bucket);
            WriteScore(Score, c.Score);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
    }

    private void WriteNextItems(IReadOnlyList<NextItemRef>? items)
    {
        if (items is null)
        {
            _json.WriteNull(NextItems);
            return;
        }

        _json.WriteStartArray(NextItems);
        foreach (var item in items)
        {
            _json.WriteStartObject();
            _json.WriteString(ProductId, item.ProductId);
            WriteScore(Score, item.Score);
            _json.WriteEndObject();
        }

        _json.WriteEndArray();
    }

    private void WriteSegment(SegmentRef? segment)
    {
        if (segment is { } s)
        {
            _json.WriteStartObject(Segment);
            _json.WriteNumber(Id, s.Id);
            _json.WriteString(Name, s.Name);
            _json.WriteEndObject();
        }
        else
        {
            _json.WriteNull(Segment);
        }
    }
}
