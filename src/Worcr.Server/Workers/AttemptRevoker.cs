using Worcr.Protocol.V1;
using Worcr.Server.Limits;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// Takes an attempt from the stream that holds it: the stream stops holding it (so its later reports on it are
/// refused), the worker is told to cancel it, and its concurrency permits are freed. Taking it is atomic, so two
/// callers revoking the same attempt at once (a cancel and a lease fence, say) send one Cancel and free it once.
/// </summary>
internal static class AttemptRevoker
{
    /// <returns>False when the stream did not hold the attempt (any more).</returns>
    public static bool Revoke(WorkerSession session, LimitGate limits, long jobId, int attempt, string reason)
    {
        if (!session.Finished(jobId, attempt)) return false;
        session.Send(new DispatcherMessage { Cancel = new Cancel { JobId = Messages.JobId(jobId), Attempt = attempt, Reason = reason } });
        // The attempt left its worker: its permits are freed now (errors are logged there).
        _ = limits.ReleaseAsync(session.WorkerId, jobId, attempt);
        return true;
    }
}
