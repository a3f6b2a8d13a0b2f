namespace StreamScoring.Simulator.Catalogue;

/// <summary>Counts and smoothed funnel rates of one category of the catalogue.</summary>
/// <param name="Path">The category path.</param>
/// <param name="Views">View events in the sample.</param>
/// <param name="Carts">Cart events in the sample.</param>
/// <param name="Purchases">Purchase events in the sample.</param>
/// <param name="CartRate">Carts per view, shrunk towards the catalogue-wide rate.</param>
/// <param name="PurchaseRate">Purchases per view, shrunk towards the catalogue-wide rate.</param>
public sealed record CategoryStats(string Path, int Views, int Carts, int Purchases, double CartRate, double PurchaseRate);
