namespace Worcr.Core.Fairness;

/// <summary>How workers are shared between tenants. docs/fairness-and-limits.md explains each with an example.</summary>
public enum FairnessStrategy
{
    /// <summary>No tenant fairness: the oldest work first, whoever it belongs to (rules still forbid pairings).</summary>
    Fifo,

    /// <summary>Tenants with work waiting take equal turns; weights decide what each turn runs.</summary>
    RoundRobin,

    /// <summary>Like round robin, but a tenant's share of turns is its weight (from its plan or its own setting).</summary>
    Weighted,
}

public static class FairnessStrategies
{
    public static FairnessStrategy Parse(string name) => name switch
    {
        "fifo" => FairnessStrategy.Fifo,
        "round_robin" => FairnessStrategy.RoundRobin,
        "weighted" => FairnessStrategy.Weighted,
        _ => throw new FormatException($"Unknown fairness strategy '{name}': use fifo, round_robin or weighted."),
    };

    public static string ToName(this FairnessStrategy strategy) => strategy switch
    {
        FairnessStrategy.Fifo => "fifo",
        FairnessStrategy.RoundRobin => "round_robin",
        FairnessStrategy.Weighted => "weighted",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };
}
