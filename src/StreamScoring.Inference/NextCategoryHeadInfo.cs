namespace StreamScoring.Inference;

/// <summary>
/// What the manifest says of a model's next-category head (<c>next_category</c>; absent when the model has none): the
/// category each bucket of <c>next_category_buckets</c> stands for, and what the head was trained and measured on.
/// </summary>
/// <remarks>
/// Categories reach the model hashed into <see cref="Core.Features.FeatureSpec.CategoryBuckets"/> buckets, so a bucket
/// can hold several categories; <see cref="Labels"/> names the one seen most often in the head's training data (or,
/// for a bucket training never saw, the first catalogue category that hashes there), and null where none is known.
/// </remarks>
public sealed record NextCategoryHeadInfo
{
    /// <summary>The category name of each bucket, indexed by bucket; null where none is known.</summary>
    public IReadOnlyList<string?> Labels { get; init; } = [];

    /// <summary>
    /// The product ids that <c>next_item_ids</c> indexes (empty when the model has no product outputs): the most
    /// frequent products of each category in the head's training data.
    /// </summary>
    public IReadOnlyList<string> Items { get; init; } = [];

    /// <summary>What the head was fitted on (data, points, the frozen encoder's version).</summary>
    public string TrainedOn { get; init; } = "";

    /// <summary>Its cross-validated figures on real users, in words (the full table is in the docs).</summary>
    public string Evaluation { get; init; } = "";
}
