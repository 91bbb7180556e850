namespace Worcr.Server.Hosting;

/// <summary>How the dispatch loop reads the backlog and claims jobs.</summary>
public sealed class DispatchOptions
{
    /// <summary>How often a node re-reads the lane backlog in case a notification was missed. Default 5 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most jobs one claim takes from a lane. Default 100.</summary>
    public int MaxClaimBatch { get; set; } = 100;
}

internal sealed class DispatchOptionsValidator : SettingsValidator<DispatchOptions>
{
    public override IEnumerable<string> Problems(DispatchOptions options)
    {
        if (options.ReconcileInterval <= TimeSpan.Zero) yield return "ReconcileInterval must be positive.";
        if (options.MaxClaimBatch is < 1 or > 10_000) yield return "MaxClaimBatch must be between 1 and 10000.";
    }
}
