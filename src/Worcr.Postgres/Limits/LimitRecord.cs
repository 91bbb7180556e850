namespace Worcr.Postgres;

/// <summary>One stored limit definition (a row of the limits table). The node validates before saving.</summary>
/// <param name="MatchBy">tenant, tag, type, args or key.</param>
/// <param name="MatchField">The args field when <paramref name="MatchBy"/> is args.</param>
/// <param name="MatchValue">The tag, the one tenant or type, or a key pattern; null for every value.</param>
/// <param name="Period">Window or refill period; null for concurrency.</param>
/// <param name="Burst">Token bucket size; null for its capacity.</param>
/// <param name="Mode">job (enforced at dispatch) or rate (acquired by workers).</param>
public sealed record LimitRecord(
    string Name,
    string Kind,
    string MatchBy,
    string? MatchField,
    string? MatchValue,
    long Capacity,
    TimeSpan? Period,
    long? Burst,
    string Mode,
    bool Enabled,
    DateTimeOffset UpdatedAt = default);
