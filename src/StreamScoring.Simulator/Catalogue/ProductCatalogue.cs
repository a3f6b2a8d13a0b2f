using System.Globalization;
using StreamScoring.Simulator.Internal;

namespace StreamScoring.Simulator.Catalogue;

/// <summary>
/// The product catalogue fitted to the REES46 sample (see the Simulator README for provenance), with
/// the popularity and purchase-rate samplers the simulated users draw from.
/// </summary>
public sealed class ProductCatalogue
{
    /// <summary>Pseudo-views of the catalogue-wide rate mixed into each category's rates (empirical-Bayes shrinkage).</summary>
    public const double PriorViews = 100;

    private const string ResourceName = "StreamScoring.Simulator.Catalogue.rees46_catalogue.csv";

    private static readonly Lazy<ProductCatalogue> Rees46 = new(() => Parse(OpenResource()));

    private readonly int[][] _productsByCategory;
    private readonly WeightedSampler _categoryByViews;
    private readonly WeightedSampler[] _viewSamplers;
    private readonly WeightedSampler[] _buySamplers;
    private readonly int[] _cheap;
    private readonly int[] _expensive;

    private ProductCatalogue(IReadOnlyList<Product> products)
    {
        Products = products;
        var byCategory = products.Select((p, i) => (p, i)).GroupBy(x => x.p.CategoryPath, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        TotalViews = products.Sum(p => p.Views);
        TotalCarts = products.Sum(p => p.Carts);
        TotalPurchases = products.Sum(p => p.Purchases);
        GlobalCartRate = (double)TotalCarts / Math.Max(1, TotalViews);
        GlobalPurchaseRate = (double)TotalPurchases / Math.Max(1, TotalViews);

        Categories = byCategory.Select(g =>
        {
            var v = g.Sum(x => x.p.Views);
            var c = g.Sum(x => x.p.Carts);
            var b = g.Sum(x => x.p.Purchases);
            return new CategoryStats(g.Key, v, c, b,
                (c + (PriorViews * GlobalCartRate)) / (v + PriorViews),
                (b + (PriorViews * GlobalPurchaseRate)) / (v + PriorViews));
        }).ToArray();
        _productsByCategory = byCategory.Select(g => g.Select(x => x.i).ToArray()).ToArray();

        // +0.5 keeps never-viewed products (seen only in cart/purchase rows) reachable.
        _categoryByViews = new WeightedSampler(Categories.Select(c => c.Views + 0.5));
        _viewSamplers = _productsByCategory.Select(ids => new WeightedSampler(ids.Select(i => products[i].Views + 0.5))).ToArray();
        _buySamplers = _productsByCategory.Select(ids => new WeightedSampler(
            ids.Select(i => products[i].Views + (5.0 * products[i].Carts) + (20.0 * products[i].Purchases) + 0.5))).ToArray();

        var sortedPrices = products.Select(p => p.Price).Order().ToArray();
        var cheapLimit = sortedPrices[sortedPrices.Length / 20];
        var expensiveLimit = sortedPrices[sortedPrices.Length * 9 / 10];
        _cheap = Enumerable.Range(0, products.Count).Where(i => products[i].Price <= cheapLimit).ToArray();
        _expensive = Enumerable.Range(0, products.Count).Where(i => products[i].Price >= expensiveLimit).ToArray();
    }

    /// <summary>The catalogue derived from the REES46 2019-10-01 00:00-02:50 UTC sample (loaded once).</summary>
    public static ProductCatalogue Default => Rees46.Value;

    /// <summary>Products with a positive price, sorted by product id.</summary>
    public IReadOnlyList<Product> Products { get; }

    /// <summary>Categories sorted by path.</summary>
    public IReadOnlyList<CategoryStats> Categories { get; }

    /// <summary>View events behind the catalogue.</summary>
    public int TotalViews { get; }

    /// <summary>Cart events behind the catalogue.</summary>
    public int TotalCarts { get; }

    /// <summary>Purchase events behind the catalogue.</summary>
    public int TotalPurchases { get; }

    /// <summary>Carts per view over the whole catalogue.</summary>
    public double GlobalCartRate { get; }

    /// <summary>Purchases per view over the whole catalogue.</summary>
    public double GlobalPurchaseRate { get; }

    /// <summary>Reads a catalogue CSV (the format <c>derive_catalogue.py</c> writes); products without a positive price are skipped.</summary>
    public static ProductCatalogue Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var header = reader.ReadLine();
        if (header != "product_id,category_code,brand,price,views,carts,purchases")
        {
            throw new FormatException($"Unexpected catalogue header '{header}'.");
        }

        var products = new List<Product>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var f = line.Split(',');
            if (f.Length != 7)
            {
                throw new FormatException($"Catalogue line {lineNumber} has {f.Length} fields, expected 7.");
            }

            var price = double.Parse(f[3], NumberStyles.Float, CultureInfo.InvariantCulture);
            if (price <= 0)
            {
                continue;
            }

            products.Add(new Product(f[0], f[1], f[2].Length == 0 ? null : f[2], price,
                int.Parse(f[4], CultureInfo.InvariantCulture), int.Parse(f[5], CultureInfo.InvariantCulture), int.Parse(f[6], CultureInfo.InvariantCulture)));
        }

        if (products.Count == 0)
        {
            throw new FormatException("The catalogue has no product with a positive price.");
        }

        return new ProductCatalogue(products);
    }

    /// <summary>The stats of a category by its index in <see cref="Categories"/>.</summary>
    internal CategoryStats Category(int category) => Categories[category];

    /// <summary>A category index drawn by view popularity.</summary>
    internal int SampleCategory(Random random) => _categoryByViews.Sample(random);

    /// <summary>A category index drawn uniformly (what a crawler sees).</summary>
    internal int SampleCategoryUniform(Random random) => random.Next(Categories.Count);

    /// <summary>A product of <paramref name="category"/> drawn by view popularity.</summary>
    internal Product SampleViewed(Random random, int category) => Products[_productsByCategory[category][_viewSamplers[category].Sample(random)]];

    /// <summary>A product of <paramref name="category"/> drawn by how often it is carted and bought.</summary>
    internal Product SampleBought(Random random, int category) => Products[_productsByCategory[category][_buySamplers[category].Sample(random)]];

    /// <summary>A product drawn uniformly from the whole catalogue.</summary>
    internal Product SampleUniform(Random random) => Products[random.Next(Products.Count)];

    /// <summary>One of the cheapest 5% of products (card testers' favourites).</summary>
    internal Product SampleCheap(Random random) => Products[_cheap[random.Next(_cheap.Length)]];

    /// <summary>One of the dearest 10% of products (what a takeover buys).</summary>
    internal Product SampleExpensive(Random random) => Products[_expensive[random.Next(_expensive.Length)]];

    /// <summary>The category's purchase rate relative to the catalogue-wide rate (1 = average).</summary>
    internal double PurchaseLift(int category) => Categories[category].PurchaseRate / GlobalPurchaseRate;

    /// <summary>The category's cart rate relative to the catalogue-wide rate (1 = average).</summary>
    internal double CartLift(int category) => Categories[category].CartRate / GlobalCartRate;

    private static StreamReader OpenResource()
    {
        var stream = typeof(ProductCatalogue).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");
        return new StreamReader(stream);
    }
}
