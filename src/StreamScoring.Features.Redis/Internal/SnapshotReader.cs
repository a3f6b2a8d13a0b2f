using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// Reads what a little-endian <see cref="BinaryWriter"/> wrote, from bytes that may be hostile: every read is
/// checked against the bytes left, and every count against a cap and the bytes its entries need, before
/// anything is allocated. Every fault is a <see cref="CorruptSnapshotException"/>.
/// </summary>
internal ref struct SnapshotReader(ReadOnlySpan<byte> bytes)
{
    // Strict UTF-8: a string with invalid bytes is corrupt, not silently repaired.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _bytes.Length - _position;

    public byte ReadByte() => Take(1)[0];

    /// <summary>A <see cref="BinaryWriter.Write(bool)"/> value: exactly 0 or 1.</summary>
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => Throw<bool>($"a boolean byte of {b}"),
    };

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A double that is not NaN (NaN never comes from valid events and breaks normalisation).</summary>
    public double ReadNumber(string what)
    {
        var value = ReadDouble();
        return double.IsNaN(value) ? Throw<double>($"{what} is NaN") : value;
    }

    /// <summary>An int in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public int ReadInt32(int min, int max, string what)
    {
        var value = ReadInt32();
        return value >= min && value <= max ? value : Throw<int>($"{what} of {value} is outside {min}..{max}");
    }

    /// <summary>
    /// A count of entries of at least <paramref name="bytesPerEntry"/> bytes each: at most <paramref name="max"/>,
    /// and no more than the bytes left can hold.
    /// </summary>
    public int ReadCount(int max, int bytesPerEntry, string what)
    {
        var count = ReadInt32();
        if (count < 0 || count > max)
        {
            Throw($"a count of {count} {what} is outside 0..{max}");
        }

        if ((long)count * bytesPerEntry > Remaining)
        {
            Throw($"{count} {what} need {(long)count * bytesPerEntry} bytes, {Remaining} are left");
        }

        return count;
    }

    /// <summary>A <see cref="BinaryWriter.Write(string)"/> string of at most <paramref name="maxBytes"/> UTF-8 bytes.</summary>
    public string ReadString(int maxBytes)
    {
        // 7-bit encoded length, at most 5 bytes for an int.
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
            {
                Throw("a string length is not a valid 7-bit encoded int");
            }

            var b = ReadByte();
            length |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (length < 0 || length > maxBytes)
        {
            Throw($"a string of {length} bytes is outside 0..{maxBytes}");
        }

        var utf8 = Take(length);
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new CorruptSnapshotException("a string is not valid UTF-8", e);
        }
    }

    /// <summary>Throws unless every byte was read.</summary>
    public readonly void EnsureEnd(string what)
    {
        if (Remaining != 0)
        {
            Throw($"{Remaining} bytes follow the {what}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            Throw($"truncated: {count} bytes wanted at offset {_position}, {Remaining} left");
        }

        var span = _bytes.Slice(_position, count);
        _position += count;
        return span;
    }

    [DoesNotReturn]
    public static void Throw(string why) => throw new CorruptSnapshotException(why);

    [DoesNotReturn]
    private static T Throw<T>(string why) => throw new CorruptSnapshotException(why);
}
