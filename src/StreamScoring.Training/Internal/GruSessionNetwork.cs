using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace StreamScoring.Training.Internal;

/// <summary>
/// The network behind <c>GruRecommender</c> (GRU4Rec-style; Hidasi et al., "Session-based recommendations with
/// recurrent neural networks", ICLR 2016): each step's input is the item's embedding plus its category's embedding,
/// one GRU layer reads the session, and an item's score after step t is the dot product of the hidden state with the
/// item's output vector, which is tied to the input side (the item's embedding plus the embedding of its usual
/// category), so an item seen once still scores through its category.
/// </summary>
/// <remarks>Item id 0 is padding, 1 an item not in the vocabulary; category id 0 is "none" (a zero vector).</remarks>
internal sealed class GruSessionNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding _items;
    private readonly Embedding _categories;
    private readonly GRU _gru;
    private readonly Dropout _dropout;

    public GruSessionNetwork(long items, long categories, int dimension, double dropout)
        : base(nameof(GruSessionNetwork))
    {
        Dimension = dimension;
        _items = nn.Embedding(items, dimension, padding_idx: 0);
        _categories = nn.Embedding(categories, dimension, padding_idx: 0);
        _gru = nn.GRU(dimension, dimension, batchFirst: true);
        _dropout = nn.Dropout(dropout);
        using (torch.no_grad())
        {
            // Small lookup tables (as BERT's initialiser) keep the first dot-product logits near uniform.
            nn.init.normal_(_items.weight!, 0, 0.05);
            nn.init.normal_(_categories.weight!, 0, 0.05);
            // The padding rows stay zero: padding_idx keeps their gradient at zero from here on.
            using var itemPadding = _items.weight![0];
            using var categoryPadding = _categories.weight![0];
            itemPadding.zero_();
            categoryPadding.zero_();
        }

        RegisterComponents();
    }

    public int Dimension { get; }

    /// <summary>Hidden states [B, T, D] for item ids and category ids, both int64 [B, T].</summary>
    public override Tensor forward(Tensor items, Tensor categories)
    {
        using var scope = torch.NewDisposeScope();
        var input = _dropout.forward(_items.forward(items).add(_categories.forward(categories), alpha: HeldScalars.One));
        var (output, _) = _gru.forward(input);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The output vector of every item id [V, D]: its embedding plus that of <paramref name="itemCategories"/> (int64 [V]).</summary>
    public Tensor OutputTable(Tensor itemCategories)
    {
        using var scope = torch.NewDisposeScope();
        return _items.weight!.add(_categories.forward(itemCategories), alpha: HeldScalars.One).MoveToOuterDisposeScope();
    }
}
