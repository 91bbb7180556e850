using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>What a running job needs from the stream it arrived on; lets JobContext be used without a live session.</summary>
internal interface ISessionLink
{
    /// <summary>Queues a message with no answer expected (log lines).</summary>
    void Post(WorkerMessage message);

    /// <summary>Sends a message with a request_id and returns the node's Ack; throws <see cref="StreamLostException"/> if the stream ends first.</summary>
    Task<Ack> RequestAsync(WorkerMessage message);

    /// <summary>Records the latest value of a progress counter; sending is coalesced.</summary>
    void ReportProgress(Progress progress);

    Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct);
}
