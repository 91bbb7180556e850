namespace Worcr.Admin;

/// <summary>A connected worker as its node last announced it in Redis.</summary>
internal sealed record WorkerView(
    string WorkerId, string NodeId, IReadOnlyList<string> Tags, IReadOnlyList<string> JobTypes, int Capacity, int InFlight,
    IReadOnlyList<string> JobIds, DateTimeOffset? ConnectedAt, DateTimeOffset LastHeartbeat, bool Draining);

internal sealed record WorkerListView(IReadOnlyList<WorkerView> Workers);

/// <summary>A live node: its addresses, its worker count, and whether it leads maintenance.</summary>
internal sealed record NodeView(string NodeId, string GrpcAddress, string? HttpAddress, int Workers, DateTimeOffset? StartedAt, DateTimeOffset LastHeartbeat, bool Leader);

internal sealed record NodeListView(IReadOnlyList<NodeView> Nodes);

internal sealed record DrainView(string WorkerId, string NodeId);
