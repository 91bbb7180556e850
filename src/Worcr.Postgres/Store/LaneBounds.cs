namespace Worcr.Postgres;

/// <summary>
/// How many lanes a tenant may have, and how long a node trusts a lane id it remembers. A lane is one distinct
/// (tenant, type, tag set, weight, limit keys): a producer that varies weights or tags makes a lane per value,
/// so without a cap one tenant could fill the lanes table and every node's memory.
/// </summary>
public sealed class LaneBounds
{
    /// <summary>
    /// A node re-reads (and marks as used) a lane id it remembered longer than this, so retention can tell idle
    /// lanes from lanes some node still enqueues into (docs/storage.md, Retention).
    /// </summary>
    public static readonly TimeSpan MarkInterval = TimeSpan.FromHours(1);

    /// <summary>Lane ids (and lanes) one node remembers at most; the least recently used are forgotten first.</summary>
    public const int CacheCapacity = 100_000;

    /// <summary>Most lanes one tenant may have; creating one more is refused with RESOURCE_EXHAUSTED. Default 10,000.</summary>
    public int MaxLanesPerTenant { get; set; } = 10_000;
}
