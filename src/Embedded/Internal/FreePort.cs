using System.Net;
using System.Net.Sockets;

namespace IdentityEhr.Embedded.Internal;

/// <summary>Finds a TCP port on the loopback interface that nothing listens on right now.</summary>
internal static class FreePort
{
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
