namespace StreamScoring.Core.Features;

public static partial class FeatureSpec
{
    /// <summary>Fields per token (see <see cref="TokenField"/>).</summary>
    public const int TokenFieldCount = 6;

    /// <summary>Hashed category buckets (after the padding and no-category ids).</summary>
    public const int CategoryBuckets = 254;

    /// <summary>Upper bounds of the price buckets (currency units); a price above the last falls in one more bucket.</summary>
    public static IReadOnlyList<double> PriceBucketBounds { get; } =
        [1, 3, 5, 10, 20, 35, 50, 75, 100, 150, 250, 400, 600, 1000, 2000];

    /// <summary>Upper bounds of the time-gap buckets in seconds; a longer gap falls in one more bucket.</summary>
    public static IReadOnlyList<double> TimeGapBucketBounds { get; } =
        [1, 3, 10, 30, 60, 120, 300, 900, 1800, 3600, 3 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400];

    /// <summary>Number of ids of each field, padding included, in <see cref="TokenField"/> order.</summary>
    public static IReadOnlyList<int> FieldSizes { get; } =
    [
        2 + Events.EventTypes.Count,
        2 + CategoryBuckets,
        2 + PriceBucketBounds.Count + 1,
        2 + TimeGapBucketBounds.Count + 1,
        1 + 8,
        4,
    ];

    /// <summary>First vocabulary row of each field, in <see cref="TokenField"/> order.</summary>
    public static IReadOnlyList<int> FieldOffsets { get; } = Offsets();

    /// <summary>Rows of the shared token-embedding table.</summary>
    public static int VocabularySize { get; } = FieldOffsets[^1] + FieldSizes[^1];

    /// <summary>Event-type field id of the [CLS] token (before offsetting).</summary>
    public const int ClsId = 1;

    /// <summary>Field id of padding (before offsetting), in every field.</summary>
    public const int PadId = 0;

    private static int[] Offsets()
    {
        var offsets = new int[TokenFieldCount];
        for (var i = 1; i < TokenFieldCount; i++)
        {
            offsets[i] = offsets[i - 1] + FieldSizes[i - 1];
        }

        return offsets;
    }
}
