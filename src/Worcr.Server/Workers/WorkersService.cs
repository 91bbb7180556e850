using Grpc.Core;
using Worcr.Protocol.V1;
using Worcr.Server.Limits;

namespace Worcr.Server.Workers;

/// <summary>The worker API (worcr.v1.Workers): the Connect stream and AcquireLimit, each served by its own class.</summary>
[BindServiceMethod(typeof(Transport.WorkersBinding), nameof(Transport.WorkersBinding.BindService))]
internal sealed class WorkersService(WorkerConnection connection, LimitsService limits) : Protocol.V1.Workers.WorkersBase
{
    private readonly WorkerConnection _connection = connection;
    private readonly LimitsService _limits = limits;

    public override Task Connect(IAsyncStreamReader<WorkerMessage> requestStream, IServerStreamWriter<DispatcherMessage> responseStream, ServerCallContext context) =>
        _connection.ServeAsync(requestStream, responseStream, context);

    public override Task<AcquireLimitResponse> AcquireLimit(AcquireLimitRequest request, ServerCallContext context) =>
        _limits.AcquireAsync(request, context);
}
