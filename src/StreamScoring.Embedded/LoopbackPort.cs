using System.Net;
using System.Net.Sockets;

namespace StreamScoring.Embedded;

/// <summary>TCP ports on the loopback interface for the servers and listeners that tools and tests start.</summary>
public static class LoopbackPort
{
    /// <summary>
    /// A TCP port on loopback that nothing listens on now: the operating system picks it from its ephemeral range
    /// for a listener that is closed again at once. Free now, not reserved: the caller binds it at once (another
    /// process may take it meanwhile, which a server start reports as a failure to bind).
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
