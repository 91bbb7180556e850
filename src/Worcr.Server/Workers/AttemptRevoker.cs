using Worcr.Protocol.V1;
using Worcr.Server.Limits;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// Takes an attempt from the stream that holds it: the worker is told to cancel it, the stream stops holding it (so
/// its later reports on it are refused), and its concurrency permits are freed.
/// </summary>
internal static class AttemptRevoker
{
    /// <returns>False when the stream did not hold the attempt (any more).</returns>
    public static bool Revoke(WorkerSession session, LimitGate limits, long jobId, int attempt, string reason)
    {
        if (!session.Holds(jobId, attempt)) return false;
        session.Send(new DispatcherMessage { Cancel = new Cancel { JobId = Messages.JobId(jobId), Attempt = attempt, Reason = reason } });
        session.Finished(jobId, attempt);
        // The attempt left its worker: its permits are freed now (errors are logged there).
        _ = limits.ReleaseAsync(session.WorkerId, jobId, attempt);
        return true;
    }
}
