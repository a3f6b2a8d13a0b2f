namespace StreamScoring.Core.Features;

/// <summary>The dimensions whose distinct values are counted per window, in <see cref="WindowStat"/> order.</summary>
public enum DistinctDimension
{
    /// <summary>Product ids.</summary>
    Products = 0,
    /// <summary>Category paths.</summary>
    Categories,
    /// <summary>Device ids.</summary>
    Devices,
    /// <summary>IP addresses.</summary>
    Ips,
    /// <summary>Countries.</summary>
    Countries,
    /// <summary>Sessions.</summary>
    Sessions,
}
