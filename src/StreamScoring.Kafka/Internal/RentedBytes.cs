using System.Buffers;
using Confluent.Kafka;

namespace StreamScoring.Kafka.Internal;

/// <summary>
/// A consumed message value copied into an array rented from <see cref="ArrayPool{T}.Shared"/>, so that reading an
/// event allocates no array of its own: the value is parsed and returned at once, and only a message that is
/// dead-lettered is copied out (<see cref="ToArray"/>). Whoever handles the message calls <see cref="Return"/> once.
/// </summary>
/// <remarks>
/// Confluent.Kafka's byte-array deserializer allocated each value (about 460 B an event in the bench's traffic,
/// 13 % of the worker's allocation in the drain, issue 18).
/// </remarks>
internal readonly struct RentedBytes
{
    private readonly byte[]? _array;

    private RentedBytes(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    /// <summary>True for a message without a value (a tombstone).</summary>
    public bool IsNull => _array is null;

    /// <summary>The value's length in bytes; 0 when <see cref="IsNull"/>.</summary>
    public int Length { get; }

    /// <summary>The value; empty when <see cref="IsNull"/>. Not valid after <see cref="Return"/>.</summary>
    public ReadOnlySpan<byte> Span => _array is null ? default : _array.AsSpan(0, Length);

    /// <summary>A copy of the value that outlives <see cref="Return"/>; null when <see cref="IsNull"/>.</summary>
    public byte[]? ToArray() => _array is null ? null : Span.ToArray();

    /// <summary>Gives the array back to the pool; call once, after the last use of <see cref="Span"/>.</summary>
    public void Return()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }

    /// <summary>The value deserializer of the clickstream consumer.</summary>
    public sealed class Deserializer : IDeserializer<RentedBytes>
    {
        /// <summary>The one instance (stateless).</summary>
        public static readonly Deserializer Instance = new();

        /// <inheritdoc />
        public RentedBytes Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            if (isNull)
            {
                return default;
            }

            var array = ArrayPool<byte>.Shared.Rent(data.Length);
            data.CopyTo(array);
            return new RentedBytes(array, data.Length);
        }
    }
}
