using StreamScoring.Training.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace StreamScoring.Training.Recommendation;

/// <summary>
/// A learnt next-item recommender, GRU4Rec-style (Hidasi et al., ICLR 2016): one GRU layer over the session's items,
/// each step's input the sum of an item embedding and a category embedding (the category of the latest item is the
/// strongest baseline, <see cref="SameCategoryRecommender"/>), scores by dot product with tied output vectors,
/// trained on next-item prediction with full softmax cross-entropy (the vocabulary is the training items: a few
/// thousand) by Adam for a fixed number of epochs from a fixed seed, so a fit is repeatable. Nothing is tuned on
/// held-out sessions: every setting is a <see cref="GruRecommenderOptions"/> default chosen before the evaluation ran.
/// </summary>
/// <remarks>
/// The vocabulary is every training item seen at least <see cref="GruRecommenderOptions.MinItemCount"/> times. An
/// item outside it reads as one shared "unknown" token whose category still counts; to teach the network that token,
/// training replaces each input item by it with the Good-Turing probability that the next item is new (items seen
/// once / item occurrences, at most <see cref="GruRecommenderOptions.MaxUnknownRate"/>). A prefix with no known item
/// and no known category gets popularity, and popularity fills every list to k, as for the baselines. The fitted
/// network holds native tensors: dispose the recommender when done.
/// </remarks>
public sealed class GruRecommender : INextItemRecommender, IDisposable
{
    private const long Padding = 0;
    private const long Unknown = 1;

    private readonly GruRecommenderOptions _options;
    private readonly PopularityRecommender _popularity = new();
    private readonly Dictionary<string, long> _itemIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _categoryIds = new(StringComparer.Ordinal);
    private string[] _items = [];
    private GruSessionNetwork? _network;
    private Tensor? _outputTable;

    /// <summary>A recommender with <paramref name="options"/> (default: <see cref="GruRecommenderOptions"/>'s defaults).</summary>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A setting is out of range.</exception>
    public GruRecommender(GruRecommenderOptions? options = null)
    {
        _options = options ?? new GruRecommenderOptions();
        _options.Validate();
    }

    /// <summary>The settings.</summary>
    public GruRecommenderOptions Options => _options;

    /// <summary>Mean cross-entropy of the last epoch (NaN before <see cref="Fit"/>).</summary>
    public double LastEpochLoss { get; private set; } = double.NaN;

    /// <summary>The rate at which training replaced input items by the unknown token.</summary>
    public double UnknownRate { get; private set; }

    /// <summary>Item ids in the vocabulary of the last fit (padding and the unknown token not counted).</summary>
    public int VocabularySize => Math.Max(0, _items.Length - 2);

    /// <inheritdoc />
    public string Name => "GRU4Rec-style GRU (item + category)";

    /// <inheritdoc />
    public void Fit(IReadOnlyList<ItemSession> sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _popularity.Fit(sessions);
        BuildVocabulary(sessions);
        var (pieces, pieceCategories) = Pieces(sessions);
        ReleaseModel();
        LastEpochLoss = double.NaN;
        if (pieces.Count == 0)
        {
            return;
        }

        // Torch's generator is process-global: the seed is set right before everything that draws from it (the
        // initial weights here, dropout in the loop), so the same seed and sessions give the same model.
        torch.manual_seed(_options.Seed);
        var random = new Random(_options.Seed);
        _network = new GruSessionNetwork(_items.Length, _categoryIds.Count + 1, _options.Dimension, _options.Dropout);
        using var itemCategories = torch.tensor(ItemCategories(sessions), ScalarType.Int64);
        using (var optimizer = new AdamOptimizer(_network.parameters(), _options.LearningRate))
        {
            var order = Enumerable.Range(0, pieces.Count).ToArray();
            _network.train();
            for (var epoch = 0; epoch < _options.Epochs; epoch++)
            {
                random.Shuffle(order);
                double lossSum = 0;
                long targets = 0;
                for (var start = 0; start < order.Length; start += _options.BatchSize)
                {
                    var batch = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start));
                    var (loss, count) = Step(_network, optimizer, itemCategories, pieces, pieceCategories, batch, random);
                    lossSum += loss * count;
                    targets += count;
                }

                LastEpochLoss = lossSum / Math.Max(1, targets);
            }
        }

        _network.eval();
        using (torch.no_grad())
        {
            // Computed once under no_grad: a plain tensor that every Recommend call reads.
            _outputTable = _network.OutputTable(itemCategories);
        }
    }

    /// <inheritdoc />
    public void Recommend(ReadOnlySpan<string> items, ReadOnlySpan<string?> categories, int k, List<string> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        if (_network is not null && _outputTable is not null && items.Length > 0 && k > 0)
        {
            var from = Math.Max(0, items.Length - _options.MaxLength);
            var length = items.Length - from;
            var itemIds = new long[length];
            var categoryIds = new long[length];
            var known = false;
            for (var i = 0; i < length; i++)
            {
                itemIds[i] = _itemIds.GetValueOrDefault(items[from + i], Unknown);
                categoryIds[i] = CategoryId(categories.Length > from + i ? categories[from + i] : null);
                known |= itemIds[i] != Unknown || categoryIds[i] != Padding;
            }

            // A prefix of unknown items without a known category carries nothing the network learnt from.
            if (known)
            {
                AppendTop(itemIds, categoryIds, k, into);
            }
        }

        ItemRanking.Fill(_popularity.Ranked, k, into);
    }

    /// <inheritdoc />
    public void Dispose() => ReleaseModel();

    private void AppendTop(long[] itemIds, long[] categoryIds, int k, List<string> into)
    {
        // Padding and the unknown token (ids 0 and 1) are not items.
        var take = Math.Min(k, _items.Length - 2);
        if (take <= 0)
        {
            return;
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var hidden = _network!.forward(
            torch.tensor(itemIds, ScalarType.Int64).reshape(1, itemIds.Length),
            torch.tensor(categoryIds, ScalarType.Int64).reshape(1, categoryIds.Length));
        var scores = _outputTable!.matmul(hidden[0, itemIds.Length - 1]);
        var (_, top) = scores.narrow(0, 2, _items.Length - 2).topk(take);
        foreach (var index in top.data<long>())
        {
            into.Add(_items[index + 2]);
        }
    }

    private (double Loss, long Targets) Step(
        GruSessionNetwork network, AdamOptimizer optimizer, Tensor itemCategories, List<long[]> pieces, List<long[]> pieceCategories,
        ReadOnlySpan<int> batch, Random random)
    {
        using var scope = torch.NewDisposeScope();
        var steps = 0;
        foreach (var p in batch)
        {
            steps = Math.Max(steps, pieces[p].Length - 1);
        }

        // Right-padded [B, T]: the GRU reads left to right, so padding after a piece never changes its earlier
        // hidden states, and padded positions (target 0) are left out of the loss by ignore_index.
        var inputs = new long[batch.Length * steps];
        var inputCategories = new long[batch.Length * steps];
        var targets = new long[batch.Length * steps];
        long count = 0;
        for (var b = 0; b < batch.Length; b++)
        {
            var piece = pieces[batch[b]];
            var pieceCategory = pieceCategories[batch[b]];
            for (var t = 0; t < piece.Length - 1; t++)
            {
                // The draw happens for every input so that the sequence of draws does not depend on the rate.
                var draw = random.NextDouble();
                inputs[(b * steps) + t] = draw < UnknownRate ? Unknown : piece[t];
                inputCategories[(b * steps) + t] = pieceCategory[t];
                // An item outside the vocabulary is no target (the network cannot recommend it).
                var target = piece[t + 1] == Unknown ? Padding : piece[t + 1];
                targets[(b * steps) + t] = target;
                count += target == Padding ? 0 : 1;
            }
        }

        if (count == 0)
        {
            // Every target of this batch is outside the vocabulary (Pieces leaves such pieces out): the loss would be NaN.
            return (0, 0);
        }

        optimizer.ZeroGrad();
        var hidden = network.forward(
            torch.tensor(inputs, ScalarType.Int64).reshape(batch.Length, steps),
            torch.tensor(inputCategories, ScalarType.Int64).reshape(batch.Length, steps));
        var logits = hidden.reshape(-1, network.Dimension).matmul(network.OutputTable(itemCategories).t());
        var loss = nn.functional.cross_entropy(logits, torch.tensor(targets, ScalarType.Int64), ignore_index: Padding);
        loss.backward();
        optimizer.Step();
        return (loss.item<float>(), count);
    }

    private void BuildVocabulary(IReadOnlyList<ItemSession> sessions)
    {
        _itemIds.Clear();
        _categoryIds.Clear();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstSeen = new List<string>();
        long occurrences = 0;
        foreach (var session in sessions)
        {
            for (var i = 0; i < session.Items.Length; i++)
            {
                var item = session.Items[i];
                var count = counts.GetValueOrDefault(item);
                if (count == 0)
                {
                    firstSeen.Add(item);
                }

                counts[item] = count + 1;
                occurrences++;
                if (session.Categories[i] is { Length: > 0 } category && !_categoryIds.ContainsKey(category))
                {
                    _categoryIds[category] = _categoryIds.Count + 1;
                }
            }
        }

        // Ids in order of first appearance: the same sessions always give the same ids.
        var items = new List<string> { "", "" };
        long outside = 0;
        foreach (var item in firstSeen)
        {
            if (counts[item] >= _options.MinItemCount)
            {
                _itemIds[item] = items.Count;
                items.Add(item);
            }
            else
            {
                outside += counts[item];
            }
        }

        _items = [.. items];
        // Good-Turing: the chance that the next item is one never seen is about (items seen once) / occurrences.
        // Items below MinItemCount already read as unknown at rate `natural`; the draws add the rest.
        var seenOnce = counts.Values.Count(c => c == 1);
        var goodTuring = occurrences == 0 ? 0 : Math.Min(_options.MaxUnknownRate, seenOnce / (double)occurrences);
        var natural = occurrences == 0 ? 0 : outside / (double)occurrences;
        UnknownRate = natural >= goodTuring || natural >= 1 ? 0 : (goodTuring - natural) / (1 - natural);
    }

    private long CategoryId(string? category) =>
        category is { Length: > 0 } && _categoryIds.TryGetValue(category, out var id) ? id : Padding;

    /// <summary>Each item id's most frequent training category (ties by ordinal name; 0 for padding, unknown and none).</summary>
    private long[] ItemCategories(IReadOnlyList<ItemSession> sessions)
    {
        var counts = new Dictionary<long, Dictionary<string, int>>();
        foreach (var session in sessions)
        {
            for (var i = 0; i < session.Items.Length; i++)
            {
                if (session.Categories[i] is not { Length: > 0 } category
                    || !_itemIds.TryGetValue(session.Items[i], out var id))
                {
                    continue;
                }

                if (!counts.TryGetValue(id, out var byCategory))
                {
                    counts[id] = byCategory = new Dictionary<string, int>(StringComparer.Ordinal);
                }

                byCategory[category] = byCategory.GetValueOrDefault(category) + 1;
            }
        }

        var result = new long[_items.Length];
        foreach (var (id, byCategory) in counts)
        {
            var best = byCategory.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            result[id] = _categoryIds[best];
        }

        return result;
    }

    /// <summary>
    /// Training sequences as ids: every session, cut into pieces of at most <see cref="GruRecommenderOptions.MaxLength"/>
    /// inputs (consecutive pieces share one item, so every transition is a target once); a piece whose targets are all
    /// outside the vocabulary teaches nothing and is left out.
    /// </summary>
    private (List<long[]> Items, List<long[]> Categories) Pieces(IReadOnlyList<ItemSession> sessions)
    {
        var pieces = new List<long[]>();
        var categories = new List<long[]>();
        var maxLength = _options.MaxLength;
        foreach (var session in sessions)
        {
            for (var start = 0; start < session.Items.Length - 1; start += maxLength)
            {
                var end = Math.Min(session.Items.Length, start + maxLength + 1);
                long[] piece = [.. session.Items[start..end].Select(i => _itemIds.GetValueOrDefault(i, Unknown))];
                if (piece.AsSpan(1).ContainsAnyExcept(Unknown))
                {
                    pieces.Add(piece);
                    categories.Add([.. session.Categories[start..end].Select(CategoryId)]);
                }
            }
        }

        return (pieces, categories);
    }

    private void ReleaseModel()
    {
        _outputTable?.Dispose();
        _outputTable = null;
        _network?.Dispose();
        _network = null;
    }
}
