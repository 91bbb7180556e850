namespace Worcr.Server.Hosting;

/// <summary>How workers are shared between tenants (docs/fairness-and-limits.md).</summary>
public sealed class FairnessOptions
{
    /// <summary>
    /// How workers are shared between tenants: "round_robin" (equal turns), "weighted" (turns by tenant share:
    /// its own weight, else its plan's) or "fifo" (oldest work first, no tenant fairness). Default round_robin.
    /// Rule weights pick what each turn runs in every strategy.
    /// </summary>
    public string Fairness { get; set; } = "round_robin";

    /// <summary>Per job type fairness strategy, overriding <see cref="Fairness"/> (e.g. "import.bulk" → "fifo").</summary>
    public IDictionary<string, string> FairnessByJobType { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Inside a tenant's turn, a lane whose oldest job waited this long counts double. Default 5 min.</summary>
    public TimeSpan AgingPeriod { get; set; } = TimeSpan.FromMinutes(5);
}

internal sealed class FairnessOptionsValidator : SettingsValidator<FairnessOptions>
{
    public override IEnumerable<string> Problems(FairnessOptions options)
    {
        foreach (var (scope, strategy) in options.FairnessByJobType.Prepend(new KeyValuePair<string, string>("", options.Fairness)))
        {
            if (strategy is not ("round_robin" or "weighted" or "fifo"))
            {
                yield return $"{(scope.Length == 0 ? "Fairness" : $"FairnessByJobType[{scope}]")} '{strategy}' must be \"round_robin\", \"weighted\" or \"fifo\".";
            }
        }
        if (options.AgingPeriod <= TimeSpan.Zero) yield return "AgingPeriod must be positive.";
    }
}
