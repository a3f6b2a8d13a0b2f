using System.Text;
using Confluent.Kafka;
using StreamScoring.Kafka.Internal;

namespace StreamScoring.Kafka.Tests;

/// <summary>The clickstream consumer's value deserializer: pooled copies of each value.</summary>
public sealed class RentedBytesTests
{
    private static readonly SerializationContext Value = new(MessageComponentType.Value, "clickstream");

    [Fact]
    public void Deserialize_CopiesTheValue_AndToArrayOutlivesReturn()
    {
        var data = Encoding.UTF8.GetBytes("""{"event_id":"e1","user_id":"u1"}""");

        var rented = RentedBytes.Deserializer.Instance.Deserialize(data, isNull: false, Value);
        data[0] = (byte)'X'; // a copy, not a view of librdkafka's buffer

        Assert.False(rented.IsNull);
        Assert.Equal(data.Length, rented.Length);
        Assert.Equal((byte)'{', rented.Span[0]);
        var copy = rented.ToArray();
        rented.Return();
        Assert.Equal("""{"event_id":"e1","user_id":"u1"}""", Encoding.UTF8.GetString(copy!));
    }

    [Fact]
    public void Deserialize_NullValue_IsNullWithAnEmptySpan()
    {
        var rented = RentedBytes.Deserializer.Instance.Deserialize(default, isNull: true, Value);

        Assert.True(rented.IsNull);
        Assert.Equal(0, rented.Length);
        Assert.True(rented.Span.IsEmpty);
        Assert.Null(rented.ToArray());
        rented.Return(); // nothing to give back
    }

    [Fact]
    public void Deserialize_EmptyValue_IsNotNull()
    {
        var rented = RentedBytes.Deserializer.Instance.Deserialize(ReadOnlySpan<byte>.Empty, isNull: false, Value);

        Assert.False(rented.IsNull);
        Assert.Empty(rented.ToArray()!);
        rented.Return();
    }
}
