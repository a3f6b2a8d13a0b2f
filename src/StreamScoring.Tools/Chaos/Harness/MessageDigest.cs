using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>Identifies a Kafka message by its key and value, so a dead letter can be matched to what was produced.</summary>
internal static class MessageDigest
{
    /// <summary>SHA-256 of the key's length, the key and the value (null reads as empty), as hex.</summary>
    public static string Of(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, key.Length);
        hash.AppendData(length);
        hash.AppendData(key);
        hash.AppendData(value);
        return Convert.ToHexString(hash.GetCurrentHash());
    }
}
