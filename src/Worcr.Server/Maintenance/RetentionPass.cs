namespace Worcr.Server.Maintenance;

/// <summary>What one retention pass deleted, and whether a batch came back full (the next pass then follows at once).</summary>
internal sealed record RetentionPass(int PartitionsAdded, int PartitionsDropped, int HistoryRows, int Webhooks, int Lanes, int RuleVersions, bool Behind)
{
    public bool DidAnything => PartitionsAdded + PartitionsDropped + HistoryRows + Webhooks + Lanes + RuleVersions > 0;
}
