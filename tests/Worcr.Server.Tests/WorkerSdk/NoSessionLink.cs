using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>A session link for <see cref="SessionJobs"/> tests whose handlers report nothing and acquire no limit.</summary>
internal sealed class NoSessionLink : ISessionLink
{
    public void Post(WorkerMessage message) { }

    public Task<Ack> RequestAsync(WorkerMessage message) => throw new NotSupportedException();

    public void ReportProgress(Progress progress) { }

    public Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct) => throw new NotSupportedException();
}
