namespace Worcr.Server.Hosting;

/// <summary>What producers' Watch calls may hold on one node.</summary>
public sealed class WatchOptions
{
    /// <summary>
    /// Watch calls one tenant may have open at once on this node; one more is refused with RESOURCE_EXHAUSTED until
    /// one ends. Each open Watch costs memory (a tenant-wide one remembers up to 100,000 job ids) and work on every
    /// event (each watcher matches and sizes it), so a tenant key must not open them without bound. A tenant key's
    /// calls count under its tenant; the operator key's (and every call to a node started insecure) are not counted:
    /// that key is the node owner's. One Watch call may name up to 10,000 jobs. Default 100; at least 1.
    /// </summary>
    public int MaxWatchesPerTenant { get; set; } = 100;
}

internal sealed class WatchOptionsValidator : SettingsValidator<WatchOptions>
{
    public override IEnumerable<string> Problems(WatchOptions options)
    {
        if (options.MaxWatchesPerTenant < 1) yield return $"MaxWatchesPerTenant {options.MaxWatchesPerTenant} must be at least 1.";
    }
}
