using System.Buffers.Binary;
using System.Security.Cryptography;

namespace StreamScoring.Tools.Chaos.Harness;

/// <summary>Identifies a Kafka message by its key and value, so a dead letter can be matched to what was produced.</summary>
internal static class MessageDigest
{
    /// <summary>
    /// SHA-256 of the key's length, the key and the SHA-256 of the value (null reads as empty), as hex. Over the
    /// value's digest rather than the value, so a dead letter that carries only a prefix of a huge value and its
    /// <c>payload.sha256</c> header is matched too (<see cref="OfValueDigest"/>).
    /// </summary>
    public static string Of(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => OfValueDigest(key, SHA256.HashData(value));

    /// <summary>The same digest from the key and the value's SHA-256.</summary>
    public static string OfValueDigest(ReadOnlySpan<byte> key, ReadOnlySpan<byte> valueSha256)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, key.Length);
        hash.AppendData(length);
        hash.AppendData(key);
        hash.AppendData(valueSha256);
        return Convert.ToHexString(hash.GetCurrentHash());
    }
}
