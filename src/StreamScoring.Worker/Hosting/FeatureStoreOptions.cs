using System.ComponentModel.DataAnnotations;

namespace StreamScoring.Worker.Hosting;

/// <summary>Which feature store serves (section <c>FeatureStore</c>).</summary>
public sealed class FeatureStoreOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "FeatureStore";

    /// <summary><c>redis</c> (default; settings under <c>Redis</c>) or <c>memory</c> (one process only, for demos).</summary>
    [RegularExpression("^(redis|memory)$", ErrorMessage = "FeatureStore:Kind must be 'redis' or 'memory'.")]
    public string Kind { get; set; } = "redis";
}
