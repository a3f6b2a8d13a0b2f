using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamScoring.Core.Events;
using StreamScoring.Core.Features;
using StreamScoring.Embedded;
using StreamScoring.Features.Redis;
using StreamScoring.IntegrationTests.Fixtures;
using StreamScoring.Tests.Shared;
using StreamScoring.Worker.Hosting;
using StreamScoring.Worker.Resilience;

namespace StreamScoring.IntegrationTests.Redis;

/// <summary>
/// The feature store through a redis-server that speaks only TLS (certificates made here with openssl, by a
/// private CA) and admits only an ACL user with a password, wired exactly as the service wires it
/// (<see cref="RedisFeatureStoreServiceCollectionExtensions.AddRedisFeatureStore"/> from configuration values):
/// it works with the right settings, and with wrong ones the process still starts, readiness says why in fixed
/// words, and store calls fail as transient Redis errors.
/// </summary>
public sealed class RedisTlsAclTests : IDisposable
{
    private const string User = "streamscoring";
    private const string Password = "s3cret-Pa55";
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _aclFile;

    public RedisTlsAclTests()
    {
        // Least privilege that the store and StackExchange.Redis need: its keys only, no admin commands.
        _aclFile = Path.Combine(_certificates.Directory, "users.acl");
        File.WriteAllText(_aclFile, $"user default off\nuser {User} on >{Password} ~ss:* &* +@all -@dangerous +info\n");
    }

    [Fact]
    public async Task AddRedisFeatureStore_TlsAndAclUserWithTrustedCa_StoreWorksAndRedisIsReady()
    {
        using var server = StartServer(mutualTls: false);
        await using var provider = CreateProvider(server.Port, Password, _certificates.CaCertificate);

        await AssertStoreWorksAsync(provider);
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));
    }

    [Fact]
    public async Task AddRedisFeatureStore_WrongPassword_StartsNotReadyAuthenticationFailedAndCallsFailTransiently()
    {
        using var server = StartServer(mutualTls: false);
        await using var provider = CreateProvider(server.Port, "wrong-password", _certificates.CaCertificate);

        var connection = provider.GetRequiredService<IConnectionMultiplexer>(); // does not throw: abortConnect=false
        Assert.False(connection.IsConnected);
        Assert.Equal("redis: authentication failed", await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));
        var store = provider.GetRequiredService<IFeatureStore>();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
            await store.ApplyAsync([new EventBuilder(_time).Next(EventType.View)], new bool[1]));
        Assert.True(TransientFailures.IsTransient(failure), $"a transient Redis error, not {failure}");
        Assert.DoesNotContain("wrong-password", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddRedisFeatureStore_ServerCertificateNotFromTheTrustedCa_NotReadyTlsHandshakeFailed()
    {
        using var server = StartServer(mutualTls: false);
        await using var provider = CreateProvider(server.Port, Password, _certificates.OtherCaCertificate);

        Assert.Equal("redis: TLS handshake failed", await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));
    }

    [Fact]
    public async Task AddRedisFeatureStore_MutualTlsWithClientCertificateFromConfiguration_StoreWorks()
    {
        using var server = StartServer(mutualTls: true);
        await using var provider = CreateProvider(server.Port, Password, _certificates.CaCertificate,
            _certificates.ClientCertificate, _certificates.ClientKey);

        await AssertStoreWorksAsync(provider);
        Assert.Null(await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None));
    }

    [Fact]
    public async Task AddRedisFeatureStore_MutualTlsWithoutClientCertificate_NotReady()
    {
        using var server = StartServer(mutualTls: true);
        await using var provider = CreateProvider(server.Port, Password, _certificates.CaCertificate);

        var problem = await ReadinessCheck.CheckDependenciesAsync(provider, CancellationToken.None);
        Assert.NotNull(problem);
        Assert.StartsWith("redis: ", problem, StringComparison.Ordinal);
    }

    public void Dispose() => _certificates.Dispose();

    private RedisServerProcess StartServer(bool mutualTls) => RedisServerProcess.Start(new RedisServerProcessOptions
    {
        TlsCertFile = _certificates.ServerCertificate,
        TlsKeyFile = _certificates.ServerKey,
        TlsCaCertFile = _certificates.CaCertificate,
        TlsAuthClients = mutualTls,
        AclFile = _aclFile,
    });

    // The service's own wiring, from configuration keys as an operator would set them.
    private static ServiceProvider CreateProvider(int port, string password, string trustedCa, string? clientCertificate = null, string? clientKey = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{port},ssl=true,user={User},password={password},connectTimeout=2000,asyncTimeout=2000,syncTimeout=2000",
            ["Redis:TrustedCaPath"] = trustedCa,
            ["Redis:ClientCertificatePath"] = clientCertificate,
            ["Redis:ClientKeyPath"] = clientKey,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddRedisFeatureStore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private async Task AssertStoreWorksAsync(ServiceProvider provider)
    {
        var store = provider.GetRequiredService<IFeatureStore>();
        var events = new EventBuilder(_time, "tls-user");
        ClickEvent[] batch = [events.Next(EventType.View, product: "p1"), events.Next(EventType.Cart, price: 7, product: "p1")];
        Assert.Equal(2, await store.ApplyAsync(batch, new bool[2]));

        var memory = new InMemoryFeatureStore(_time);
        await memory.ApplyAsync(batch, new bool[2]);
        var fresh = new RedisFeatureStore(provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<RedisFeatureStoreOptions>>(), timeProvider: _time);
        UserFeatures.AssertIdentical(await UserFeatures.ReadAsync(memory, "tls-user"), await UserFeatures.ReadAsync(fresh, "tls-user"), "read back over TLS");
    }
}
