namespace Worcr.Server.Hosting;

/// <summary>What the node knows at start-up: accepted job types, and the folder of rule, limit and cron files.</summary>
public sealed class CatalogOptions
{
    /// <summary>Job types producers may enqueue even before any worker for them has connected.</summary>
    public IList<string> JobTypes { get; set; } = new List<string>();

    /// <summary>Accept any job type at enqueue. Default false: a typo in a type is an error, not a job that waits forever.</summary>
    public bool AcceptUnknownJobTypes { get; set; }

    /// <summary>Folder of rule files (*.lua, *.js, one rule each) loaded at start-up; none when unset.</summary>
    public string? RulesDirectory { get; set; }
}

internal sealed class CatalogOptionsValidator : SettingsValidator<CatalogOptions>
{
    public override IEnumerable<string> Problems(CatalogOptions options)
    {
        if (options.RulesDirectory is not null && !Directory.Exists(options.RulesDirectory)) yield return $"RulesDirectory '{options.RulesDirectory}' does not exist.";
    }
}
