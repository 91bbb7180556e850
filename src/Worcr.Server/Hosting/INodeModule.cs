using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Worcr.Server.Hosting;

/// <summary>
/// A part of a node that lives outside this assembly, such as the admin API and GUI (Worcr.Admin's AdminModule).
/// The node adds a module's services after its own components, so a module can use them, and maps a module's
/// endpoints after its own (gRPC, /healthz, /metrics). A node runs exactly the modules its host passes in.
/// </summary>
public interface INodeModule
{
    /// <summary>Registers the module's services in the node's container.</summary>
    void AddServices(IServiceCollection services);

    /// <summary>Maps the module's endpoints on the node's HTTP port.</summary>
    void Map(WebApplication app);
}
