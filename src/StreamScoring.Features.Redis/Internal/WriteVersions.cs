using System.Globalization;
using System.Security.Cryptography;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The version tokens one store writes, <c>&lt;writer id&gt;:&lt;counter&gt;</c>: the random writer id tells
/// another worker's write from this one's, and the counter lets write.lua tell this writer's older versions
/// (Redis went back in time) from its current one. Thread-safe.
/// </summary>
internal sealed class WriteVersions
{
    private readonly string _writerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
    private long _next;

    /// <summary>A version this writer has not used before, higher than every earlier one.</summary>
    public string Next() => string.Create(CultureInfo.InvariantCulture, $"{_writerId}:{Interlocked.Increment(ref _next)}");
}
