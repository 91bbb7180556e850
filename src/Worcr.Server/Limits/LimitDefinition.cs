using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>A validated limit definition (from the limits table or rules/limits.json).</summary>
/// <param name="Capacity">Holders (concurrency), grants per window, or tokens added per period (token bucket).</param>
/// <param name="Period">Window or refill period; zero for concurrency.</param>
/// <param name="Burst">Token bucket size; 0 means the capacity.</param>
/// <param name="Origin">"api" (stored in PostgreSQL) or "file" (rules/limits.json).</param>
internal sealed record LimitDefinition(
    string Name, LimitKind Kind, LimitMatch Match, long Capacity, TimeSpan Period, long Burst, LimitMode Mode, bool Enabled, string Origin)
{
    /// <summary>The Redis counter of this limit for one limit key.</summary>
    public LimitCounter CounterFor(string key) => new(key, Name, Kind, Capacity, Period, Burst);
}
