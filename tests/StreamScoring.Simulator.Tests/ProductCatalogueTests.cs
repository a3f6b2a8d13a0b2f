using StreamScoring.Simulator.Catalogue;

namespace StreamScoring.Simulator.Tests;

public sealed class ProductCatalogueTests
{
    [Fact]
    public void Default_EmbeddedResource_LoadsTheRees46Sample()
    {
        var catalogue = ProductCatalogue.Default;

        // The Oct-1 sample minus the ~20 % held-out users (see derive_catalogue.py): 2,145 products.
        Assert.InRange(catalogue.Products.Count, 2000, 2562);
        Assert.InRange(catalogue.Categories.Count, 100, 300);
        Assert.InRange(catalogue.TotalViews, 3800, 5057);
        Assert.InRange(catalogue.TotalPurchases, 40, 59);
        Assert.All(catalogue.Products, p => Assert.True(p.Price > 0));
        Assert.Equal("electronics.smartphone", catalogue.Categories.MaxBy(c => c.Views)!.Path);
    }

    [Fact]
    public void Default_Prices_LookLikeRees46()
    {
        var prices = ProductCatalogue.Default.Products.Select(p => p.Price).Order().ToArray();

        Assert.InRange(prices[prices.Length / 2], 50, 250);
        Assert.InRange(prices[^1], 1000, 3000);
        Assert.Contains(ProductCatalogue.Default.Products, p => p.Brand == "samsung");
    }

    [Fact]
    public void Default_CategoryRates_AreShrunkTowardsTheCatalogueRate()
    {
        var catalogue = ProductCatalogue.Default;
        var phones = catalogue.Categories.Single(c => c.Path == "electronics.smartphone");

        Assert.InRange(catalogue.GlobalPurchaseRate, 0.010, 0.013);
        Assert.True(phones.PurchaseRate > catalogue.GlobalPurchaseRate, "smartphones sell above average in REES46");
        Assert.All(catalogue.Categories.Where(c => c.Purchases == 0), c => Assert.InRange(c.PurchaseRate, 0.0001, catalogue.GlobalPurchaseRate));
    }

    [Fact]
    public void Parse_BadHeader_Throws()
    {
        using var reader = new StringReader("id,price\n1,2\n");

        Assert.Throws<FormatException>(() => ProductCatalogue.Parse(reader));
    }

    [Fact]
    public void Parse_ZeroPriceRows_AreSkipped()
    {
        using var reader = new StringReader("product_id,category_code,brand,price,views,carts,purchases\n1,a.b,x,0.00,1,0,0\n2,a.b,,9.50,3,1,1\n");

        var catalogue = ProductCatalogue.Parse(reader);

        var product = Assert.Single(catalogue.Products);
        Assert.Equal("2", product.ProductId);
        Assert.Null(product.Brand);
    }
}
