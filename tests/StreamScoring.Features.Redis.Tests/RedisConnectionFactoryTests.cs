using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using StreamScoring.Features.Redis;

namespace StreamScoring.Features.Redis.Tests;

/// <summary>What the service adds to the operator's connection string, whatever the string says.</summary>
public sealed class RedisConnectionFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("redis-config-").FullName;

    [Fact]
    public void CreateConfiguration_ClientCertificateAlone_TurnsTlsOn()
    {
        // The README promises that any of the TLS settings turns TLS on (an on-call review read the code as
        // leaving TLS off here; StackExchange.Redis 3.4 turns it on as well, and this pins both).
        var (certificate, key) = WriteCertificate("client");
        var config = RedisConnectionFactory.CreateConfiguration(new RedisFeatureStoreOptions
        {
            ConnectionString = "redis-0:6380",
            ClientCertificatePath = certificate,
            ClientKeyPath = key,
        });

        Assert.True(config.Ssl);
    }

    [Fact]
    public void CreateConfiguration_TrustedCaAlone_TurnsTlsOn()
    {
        var (ca, _) = WriteCertificate("ca");
        var config = RedisConnectionFactory.CreateConfiguration(new RedisFeatureStoreOptions { ConnectionString = "redis-0:6380", TrustedCaPath = ca });

        Assert.True(config.Ssl);
    }

    [Fact]
    public void CreateConfiguration_NoTlsSetting_KeepsPlainTcpAndAddsTheServiceDefaults()
    {
        var config = RedisConnectionFactory.CreateConfiguration(new RedisFeatureStoreOptions { ConnectionString = "redis-0:6379,abortConnect=true" });

        Assert.False(config.Ssl);
        Assert.False(config.AbortOnConnectFail);
        Assert.False(config.IncludeDetailInExceptions);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    // A throwaway self-signed certificate and its key, as PEM files.
    private (string Certificate, string Key) WriteCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificatePath = Path.Combine(_directory, name + ".pem");
        var keyPath = Path.Combine(_directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
