using System.Globalization;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;

namespace StreamScoring.Features.Redis.Internal;

/// <summary>
/// The Lua scripts of the Redis feature store, with the <see cref="FeatureSpec"/> constants written into
/// their text once at start-up (so the script's SHA1 changes with the specification, and a server never
/// runs a script built for another one).
/// </summary>
internal static class RedisScripts
{
    /// <summary>Session gap of <see cref="UserWindowState"/>'s 30-minute rule.</summary>
    private const long SessionGapMs = 30 * 60 * 1000;

    /// <summary>Applies one user's events (update.lua).</summary>
    public static LuaScriptText Update { get; } = Fill("update", new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["MAX_EVENTS"] = Int(FeatureSpec.MaxEvents),
        ["MAX_DISTINCT"] = Int(FeatureSpec.MaxDistinctPerDimension),
        ["HORIZON_MS"] = Int((long)FeatureSpec.Horizon.TotalMilliseconds),
        ["DEDUPE_MS"] = Int((long)FeatureSpec.DedupeWindow.TotalMilliseconds),
        ["SESSION_GAP_MS"] = Int(SessionGapMs),
        ["GAP_BOUNDS"] = string.Join(", ", FeatureSpec.TimeGapBucketBounds.Select(b => b.ToString("R", CultureInfo.InvariantCulture))),
        ["WINDOW_BUCKET_MS"] = string.Join(", ", FeatureSpec.Windows.Select(w => Int(w.BucketMs))),
        ["WINDOW_BUCKET_COUNTS"] = string.Join(", ", FeatureSpec.Windows.Select(w => Int(w.BucketCount))),
        ["ADDITIVE_STATS"] = Int(FeatureSpec.AdditiveStatCount),
        ["CART"] = Int((int)EventType.Cart),
        ["REMOVE"] = Int((int)EventType.RemoveFromCart),
        ["PURCHASE"] = Int((int)EventType.Purchase),
        ["SPEND"] = Int((int)WindowStat.Spend),
        ["CART_VALUE"] = Int((int)WindowStat.CartValue),
        ["DIM_DEVICES"] = Int((int)DistinctDimension.Devices),
        ["DIM_COUNTRIES"] = Int((int)DistinctDimension.Countries),
        ["DISTINCT_DIMS"] = Int(FeatureSpec.DistinctStatCount),
    });

    /// <summary>Reads one user's raw state (read.lua).</summary>
    public static LuaScriptText Read { get; } = Fill("read", new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["WINDOWS"] = Int(FeatureSpec.Windows.Count),
        ["DISTINCT_DIMS"] = Int(FeatureSpec.DistinctStatCount),
    });

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static LuaScriptText Fill(string name, Dictionary<string, string> values)
    {
        var resource = $"StreamScoring.Features.Redis.{name}.lua";
        using var stream = typeof(RedisScripts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded script {resource} is missing from the assembly");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        foreach (var (key, value) in values)
        {
            text = text.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }

        var open = text.IndexOf("{{", StringComparison.Ordinal);
        return open < 0
            ? new LuaScriptText(text)
            : throw new InvalidOperationException($"script {name}.lua has an unfilled placeholder at offset {open}");
    }
}
