using Grpc.Core;
using Worcr.Protocol.V1;
using Worcr.Server.Hosting;

namespace Worcr.Server.Services;

/// <summary>The worker API (worcr.v1.Workers): the Connect stream and AcquireLimit, each served by its own class.</summary>
internal sealed class WorkersService(NodeServices node) : Workers.WorkersBase
{
    private readonly WorkerConnection _connection = new(node);
    private readonly LimitsService _limits = new(node);

    public override Task Connect(IAsyncStreamReader<WorkerMessage> requestStream, IServerStreamWriter<DispatcherMessage> responseStream, ServerCallContext context) =>
        _connection.ServeAsync(requestStream, responseStream, context);

    public override Task<AcquireLimitResponse> AcquireLimit(AcquireLimitRequest request, ServerCallContext context) =>
        _limits.AcquireAsync(request, context);
}
