namespace Worcr.Admin;

// GET /api/overview and the "overview" event of /api/overview/stream (docs/admin-api.md).

internal sealed record OverviewView(
    DateTimeOffset At,
    IReadOnlyDictionary<string, long> States,
    IReadOnlyList<TenantBacklogView> Tenants,
    IReadOnlyList<LaneBacklogView> Lanes,
    int Workers,
    int Nodes,
    SeriesView Series);

internal sealed record TenantBacklogView(string Tenant, long Waiting, long Running);

internal sealed record LaneBacklogView(long LaneId, string Tenant, string Type, IReadOnlyList<string> Tags, long Waiting);

internal sealed record SeriesView(int StepS, IReadOnlyList<SeriesPointView> Points);

/// <summary>One step: jobs enqueued, completed and dead in it, and p50/p95 ready-to-finished time (null when none finished).</summary>
internal sealed record SeriesPointView(DateTimeOffset At, long Enqueued, long Completed, long Failed, double? P50Ms, double? P95Ms);
