using System.Net;
using System.Net.Sockets;

namespace Worcr.LocalServices;

/// <summary>Finds a loopback TCP port that nothing listens on right now.</summary>
public static class FreePort
{
    /// <summary>Tries a server may make on ports found here before its start fails for good.</summary>
    private const int Attempts = 5;

    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts a server on a port found here, again on another port when the first was taken meanwhile: between
    /// finding a port and the server binding it, another process (a test project running beside this one) may take it.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Find());
            }
            catch (InvalidOperationException e) when (attempt < Attempts && e.Message.Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }
}
