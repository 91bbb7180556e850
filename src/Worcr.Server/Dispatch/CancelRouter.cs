using Worcr.Postgres;

namespace Worcr.Server.Dispatch;

/// <summary>
/// Delivers a cancellation to the worker running the job, when that worker is connected to this node.
/// </summary>
internal static class CancelRouter
{
    public static void Route(string payload, string nodeId, Dispatcher dispatcher)
    {
        if (CancelPayload.Parse(payload) is { } cancel && cancel.NodeId == nodeId)
        {
            foreach (var session in dispatcher.Sessions) Workers.AttemptRevoker.Revoke(session, dispatcher.LimitGate, cancel.JobId, cancel.Attempt, "cancelled");
        }
        dispatcher.CancelsRouted.Raise();
    }
}
