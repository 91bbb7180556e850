using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Transport;

namespace Worcr.Server.Dispatch;

/// <summary>
/// Delivers a cancellation to the worker running the job, when that worker is connected to this node.
/// </summary>
internal static class CancelRouter
{
    public static void Route(string payload, string nodeId, Dispatcher dispatcher)
    {
        if (CancelPayload.Parse(payload) is not { } cancel || cancel.NodeId != nodeId) return;
        var (jobId, attempt) = (cancel.JobId, cancel.Attempt);
        foreach (var session in dispatcher.Sessions)
        {
            if (!session.Holds(jobId, attempt)) continue;
            session.Send(new DispatcherMessage { Cancel = new Cancel { JobId = Messages.JobId(jobId), Attempt = attempt, Reason = "cancelled" } });
            session.Finished(jobId, attempt);
            // The attempt left its worker: its concurrency permits are freed now (errors are logged there).
            _ = dispatcher.LimitGate.ReleaseAsync(session.WorkerId, jobId, attempt);
        }
    }
}
