namespace Worcr.Server.Maintenance;

/// <summary>
/// What one retention pass deleted, whether a batch came back full (the next pass then follows at once), and the
/// partition whose adding or dropping gave way to another session's lock (partition changes then pause for an interval).
/// </summary>
internal sealed record RetentionPass(int PartitionsAdded, int PartitionsDropped, int HistoryRows, int Webhooks, int Lanes, int RuleVersions, bool Behind,
    string? PartitionGaveWayAt)
{
    public bool DidAnything => PartitionsAdded + PartitionsDropped + HistoryRows + Webhooks + Lanes + RuleVersions > 0;
}
