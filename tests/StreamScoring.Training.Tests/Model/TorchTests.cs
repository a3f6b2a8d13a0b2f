namespace StreamScoring.Training.Tests.Model;

/// <summary>
/// Torch's random generator and thread count are process-global: tests that seed or train run
/// alone so that no other test consumes random numbers between a seed and its use.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchTests
{
    public const string Name = "Torch (global RNG)";
}
