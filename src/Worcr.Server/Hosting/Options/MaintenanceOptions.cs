namespace Worcr.Server.Hosting;

/// <summary>The leader's upkeep (docs/architecture.md, Maintenance).</summary>
public sealed class MaintenanceOptions
{
    /// <summary>How often the leader runs maintenance (lease reaper, scheduled promoter, expiry, cron). Default 1 s.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class MaintenanceOptionsValidator : SettingsValidator<MaintenanceOptions>
{
    public override IEnumerable<string> Problems(MaintenanceOptions options)
    {
        if (options.MaintenanceInterval <= TimeSpan.Zero) yield return "MaintenanceInterval must be positive.";
    }
}
