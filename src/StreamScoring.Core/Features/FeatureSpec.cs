namespace StreamScoring.Core.Features;

/// <summary>
/// The one feature specification that training and serving share: the model's input layout
/// (token sequence + aggregate vector), the sliding windows, the normalisation constants and
/// the token vocabulary. Its <see cref="Hash"/> is written into every exported model, and a
/// server refuses a model whose hash differs from the code's.
/// </summary>
/// <remarks>
/// Model inputs:
/// <list type="bullet">
/// <item><c>tokens</c>: int64 [batch, <see cref="SequenceLength"/>, <see cref="TokenFieldCount"/>], ids already
/// offset into one shared vocabulary of <see cref="VocabularySize"/> rows (an embedding lookup
/// followed by a sum over the field axis equals one embedding table per field).</item>
/// <item><c>mask</c>: float [batch, <see cref="SequenceLength"/>], 1 for a real token, 0 for padding.</item>
/// <item><c>aggregates</c>: float [batch, <see cref="AggregateCount"/>], normalised window aggregates.</item>
/// </list>
/// Position 0 holds the [CLS] token, position 1 the most recent event, position k the k-th most recent.
/// </remarks>
public static partial class FeatureSpec
{
    /// <summary>Events kept per user and fed to the model (L).</summary>
    public const int MaxEvents = 32;

    /// <summary>Token positions per sequence: [CLS] plus <see cref="MaxEvents"/>.</summary>
    public const int SequenceLength = MaxEvents + 1;

    /// <summary>Model head order in the <c>scores</c> output.</summary>
    public static IReadOnlyList<string> Heads { get; } = ["fraud", "churn", "conversion"];

    /// <summary>Index of the fraud head in <c>scores</c>.</summary>
    public const int FraudHead = 0;

    /// <summary>Index of the churn head in <c>scores</c>.</summary>
    public const int ChurnHead = 1;

    /// <summary>Index of the conversion head in <c>scores</c>.</summary>
    public const int ConversionHead = 2;

    /// <summary>Name of the token-id input.</summary>
    public const string TokensInput = "tokens";

    /// <summary>Name of the padding-mask input.</summary>
    public const string MaskInput = "mask";

    /// <summary>Name of the aggregate-vector input.</summary>
    public const string AggregatesInput = "aggregates";

    /// <summary>Name of the [batch, 3] sigmoid score output (order: <see cref="Heads"/>).</summary>
    public const string ScoresOutput = "scores";

    /// <summary>Name of the [batch, embedding] user-embedding output (used for segments).</summary>
    public const string EmbeddingOutput = "user_embedding";

    /// <summary>
    /// Name of the optional [batch, <see cref="NextCategoryCount"/>] int64 output of the next-category head: the
    /// category buckets (0 to <see cref="CategoryBuckets"/> - 1, token category id minus 2) most likely next, best first.
    /// A model without the head has neither this output nor <see cref="NextCategoryScoresOutput"/>.
    /// </summary>
    public const string NextCategoryBucketsOutput = "next_category_buckets";

    /// <summary>Name of the optional [batch, <see cref="NextCategoryCount"/>] float output: the probability of each of <see cref="NextCategoryBucketsOutput"/>.</summary>
    public const string NextCategoryScoresOutput = "next_category_scores";

    /// <summary>Categories the next-category head returns per user (its TopK).</summary>
    public const int NextCategoryCount = 5;

    /// <summary>
    /// Name of the optional [batch, <see cref="NextItemCount"/>] int64 output: the products most likely next, best first,
    /// as indices into the manifest's item list (-1 where fewer are known). A product's score is the head's probability
    /// of its category times the product's share of that category in the head's training data.
    /// </summary>
    public const string NextItemIdsOutput = "next_item_ids";

    /// <summary>Name of the optional [batch, <see cref="NextItemCount"/>] float output: the score of each of <see cref="NextItemIdsOutput"/>.</summary>
    public const string NextItemScoresOutput = "next_item_scores";

    /// <summary>Products the head returns per user.</summary>
    public const int NextItemCount = 5;
}
