using Microsoft.Extensions.Options;
using StreamScoring.Core.Features;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>The shared behaviours, for the Redis store on a real redis-server (own key prefix per test).</summary>
[Collection(RedisServerCollectionDefinition.Name)]
public sealed class RedisFeatureStoreBehaviourTests(RedisServerFixture redis) : FeatureStoreBehaviourTests
{
    protected override IFeatureStore CreateSut() => new RedisFeatureStore(
        redis.Connection, Options.Create(new RedisFeatureStoreOptions { KeyPrefix = $"t{Guid.NewGuid():N}:" }));
}
