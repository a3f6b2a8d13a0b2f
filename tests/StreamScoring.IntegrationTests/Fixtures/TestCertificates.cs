using StreamScoring.Tests.Shared;

namespace StreamScoring.IntegrationTests.Fixtures;

/// <summary>
/// A private certificate authority, a server certificate for 127.0.0.1/localhost and a client certificate, made
/// with <c>openssl</c> in a temporary directory (deleted on dispose), for TLS tests against real servers.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string directory) => Directory = directory;

    /// <summary>The directory holding every file.</summary>
    public string Directory { get; }

    /// <summary>The CA certificate (PEM).</summary>
    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    /// <summary>The server certificate (PEM), signed by the CA, for IP 127.0.0.1 and DNS localhost.</summary>
    public string ServerCertificate => Path.Combine(Directory, "server.crt");

    /// <summary>The server's private key (PEM).</summary>
    public string ServerKey => Path.Combine(Directory, "server.key");

    /// <summary>A client certificate (PEM) signed by the CA, for mutual TLS.</summary>
    public string ClientCertificate => Path.Combine(Directory, "client.crt");

    /// <summary>The client's private key (PEM).</summary>
    public string ClientKey => Path.Combine(Directory, "client.key");

    /// <summary>A second, unrelated CA: a server certificate does not chain to it.</summary>
    public string OtherCaCertificate => Path.Combine(Directory, "other-ca.crt");

    /// <summary>Makes every file; throws when openssl fails.</summary>
    public static TestCertificates Create()
    {
        var certificates = new TestCertificates(System.IO.Directory.CreateTempSubdirectory("streamscoring-tls-").FullName);
        try
        {
            certificates.MakeAll();
            return certificates;
        }
        catch
        {
            certificates.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the directory.</summary>
    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory.
        }
    }

    private void MakeAll()
    {
        File.WriteAllText(Path.Combine(Directory, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        File.WriteAllText(Path.Combine(Directory, "client.ext"), "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n");
        foreach (var ca in new[] { "ca", "other-ca" })
        {
            OpenSsl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-keyout", $"{ca}.key", "-out", $"{ca}.crt", "-subj", $"/CN=streamscoring-test-{ca}");
        }

        foreach (var leaf in new[] { "server", "client" })
        {
            OpenSsl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", $"{leaf}.key", "-out", $"{leaf}.csr", "-subj", $"/CN={(leaf == "server" ? "localhost" : "streamscoring-worker")}");
            OpenSsl("x509", "-req", "-in", $"{leaf}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-out", $"{leaf}.crt", "-extfile", $"{leaf}.ext");
        }
    }

    private void OpenSsl(params string[] args)
    {
        var result = ChildProcess.Run("openssl", args, Directory, TimeSpan.FromSeconds(30));
        if (result.TimedOut || result.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {args[0]} failed: {result.Stderr}");
        }
    }
}
