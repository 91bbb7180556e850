namespace Worcr.Server.Hosting;

/// <summary>How the dispatch loop reads the backlog and claims jobs.</summary>
public sealed class DispatchOptions
{
    /// <summary>How often a node re-reads the lane backlog in case a notification was missed. Default 5 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most jobs one claim takes from a lane; a claim also takes no more than the worker has credits for. Default 200:
    /// a claim's fixed cost (its round trip, the plpgsql call, its commit) is shared by more jobs, and a prefetching
    /// worker's credits come back in chunks larger than 100 (processing +8 to +34 % against 100 in three alternated
    /// pairs, bench/RESULTS.md "Session 19"). A smaller value interleaves lanes more finely for a worker with many credits.
    /// </summary>
    public int MaxClaimBatch { get; set; } = 200;
}

internal sealed class DispatchOptionsValidator : SettingsValidator<DispatchOptions>
{
    public override IEnumerable<string> Problems(DispatchOptions options)
    {
        if (options.ReconcileInterval <= TimeSpan.Zero) yield return "ReconcileInterval must be positive.";
        if (options.MaxClaimBatch is < 1 or > 10_000) yield return "MaxClaimBatch must be between 1 and 10000.";
    }
}
