using Worcr.Server.Hosting;
using Worcr.Server.Services;

namespace Worcr.Server.Transport;

/// <summary>
/// The gRPC service instances. The node builds its parts after the service container, so the container gets
/// these through a slot that <see cref="Bind"/> fills before the first call can arrive.
/// </summary>
internal sealed class NodeGrpcServices
{
    private JobsService? _jobs;
    private WorkersService? _workers;

    public JobsService Jobs => _jobs ?? throw NotBound();

    public WorkersService Workers => _workers ?? throw NotBound();

    public void Bind(NodeServices node)
    {
        _jobs = new JobsService(node);
        _workers = new WorkersService(node);
    }

    private static InvalidOperationException NotBound() => new("The gRPC services are used before NodeGrpc.Map bound them.");
}
