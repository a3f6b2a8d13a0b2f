namespace StreamScoring.Simulator.Catalogue;

/// <summary>One product of the REES46-derived catalogue, with its counts in the source sample.</summary>
/// <param name="ProductId">REES46 product id.</param>
/// <param name="CategoryPath">Dotted category path (<c>cat.&lt;category_id&gt;</c> where REES46 has no code).</param>
/// <param name="Brand">Lower-case brand, or null when REES46 has none.</param>
/// <param name="Price">Median observed price (USD).</param>
/// <param name="Views">View events in the sample.</param>
/// <param name="Carts">Cart events in the sample.</param>
/// <param name="Purchases">Purchase events in the sample.</param>
public sealed record Product(string ProductId, string CategoryPath, string? Brand, double Price, int Views, int Carts, int Purchases);
