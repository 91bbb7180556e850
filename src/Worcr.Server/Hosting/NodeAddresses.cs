using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Worcr.Server.Hosting;

/// <summary>Where the node listens, as Kestrel bound it (ports may be 0 in the options); known once the server has started.</summary>
internal sealed class NodeAddresses(IServer server, NodeOptions options)
{
    /// <summary>Where workers and producers connect (HTTP/2).</summary>
    public Uri Grpc => new(Bound()[0].Replace("https://", Scheme + "://", StringComparison.Ordinal).Replace("http://", Scheme + "://", StringComparison.Ordinal));

    /// <summary>Where the admin API, GUI, health and metrics are served.</summary>
    public Uri Http => new(Bound()[1]);

    private string Scheme => options.TlsCertificatePath is null ? "http" : "https";

    // Kestrel reports the endpoints in the order they were configured: gRPC first, then HTTP.
    private string[] Bound() => server.Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
}
