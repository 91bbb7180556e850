using Worcr.Postgres;
using Worcr.Server.Workers;

namespace Worcr.Server.Dispatch;

/// <summary>
/// Delivers a cancellation to the worker running the job, when that worker is connected to this node. A cancel that
/// finds no stream holding the attempt may have come between the claim's commit and the Assign: the dispatcher is
/// told (<see cref="EarlyCancels"/>), and does not send that Assign.
/// </summary>
internal static class CancelRouter
{
    public static void Route(string payload, string nodeId, Dispatcher dispatcher)
    {
        if (CancelPayload.Parse(payload) is { } cancel && cancel.NodeId == nodeId && !RevokeWherever(dispatcher, cancel))
        {
            dispatcher.EarlyCancels.Remember(cancel.JobId, cancel.Attempt);
            // The loop may have queued the Assign between the look above and Remember, after its own look at EarlyCancels:
            // look again. Whichever of the two revokes it, the attempt is revoked once (AttemptRevoker takes it atomically).
            if (RevokeWherever(dispatcher, cancel)) dispatcher.EarlyCancels.Take(cancel.JobId, cancel.Attempt);
        }
        dispatcher.CancelsRouted.Raise();
    }

    private static bool RevokeWherever(Dispatcher dispatcher, CancelPayload cancel)
    {
        var revoked = false;
        foreach (var session in dispatcher.Sessions) revoked |= AttemptRevoker.Revoke(session, dispatcher.LimitGate, cancel.JobId, cancel.Attempt, "cancelled");
        return revoked;
    }
}
