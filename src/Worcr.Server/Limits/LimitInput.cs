namespace Worcr.Server.Limits;

/// <summary>
/// A limit definition as JSON gives it (admin API body, an entry of rules/limits.json), snake_case:
/// {"name": "per-host", "kind": "concurrency", "match": {"by": "args", "field": "host"}, "capacity": 5, "mode": "job"}.
/// </summary>
internal sealed class LimitInput
{
    public string? Name { get; set; }

    /// <summary>concurrency, fixed_window, sliding_window or token_bucket.</summary>
    public string? Kind { get; set; }

    public LimitMatchInput? Match { get; set; }

    public long? Capacity { get; set; }

    /// <summary>"250ms", "1s", "5m", "1h": window length or token bucket refill period.</summary>
    public string? Period { get; set; }

    public long? Burst { get; set; }

    /// <summary>job (default) or rate.</summary>
    public string? Mode { get; set; }

    public bool? Enabled { get; set; }
}

/// <summary>The "match" object of a limit definition.</summary>
internal sealed class LimitMatchInput
{
    /// <summary>tenant, tag, type, args or key.</summary>
    public string? By { get; set; }

    public string? Field { get; set; }

    public string? Value { get; set; }
}
