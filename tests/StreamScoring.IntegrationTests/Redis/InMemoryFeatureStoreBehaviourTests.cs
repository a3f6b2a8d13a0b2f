using StreamScoring.Core.Features;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>The shared behaviours, for the in-memory store (the reference the Redis store must match).</summary>
public sealed class InMemoryFeatureStoreBehaviourTests : FeatureStoreBehaviourTests
{
    protected override IFeatureStore CreateSut() => new InMemoryFeatureStore();
}
