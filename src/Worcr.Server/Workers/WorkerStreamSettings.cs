using Worcr.Server.Hosting;

namespace Worcr.Server.Workers;

/// <summary>The settings a worker stream reads, taken once from each concern's options (identity, leases, listener, worker limits).</summary>
internal sealed record WorkerStreamSettings(string NodeId, TimeSpan LeaseDuration, TimeSpan HeartbeatInterval, int MaxMessageSize, int WorkerReportsPerSecond)
{
    public static WorkerStreamSettings From(NodeIdentityOptions identity, LeaseOptions leases, ListenerOptions listener, WorkerLimitOptions workerLimits) =>
        new(identity.NodeId, leases.LeaseDuration, leases.HeartbeatInterval, listener.MaxMessageSize, workerLimits.WorkerReportsPerSecond);
}
