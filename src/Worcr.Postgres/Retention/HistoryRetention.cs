namespace Worcr.Postgres;

/// <summary>
/// How long finished jobs of one final state are kept: <paramref name="Default"/>, unless the job's tenant or type
/// sets its own; when both do, the longer wins (no setting can shorten what another asked to keep).
/// </summary>
/// <param name="State">completed, dead, expired or cancelled.</param>
public sealed record HistoryRetention(string State, TimeSpan Default, IReadOnlyDictionary<string, TimeSpan> ByTenant,
    IReadOnlyDictionary<string, TimeSpan> ByType)
{
    /// <summary>The final states job_history is partitioned by.</summary>
    public static readonly IReadOnlyList<string> States = ["completed", "dead", "expired", "cancelled"];

    /// <summary>The longest any job of this state is kept: day partitions wholly older than this are dropped.</summary>
    public TimeSpan Longest => ByTenant.Values.Concat(ByType.Values).Append(Default).Max();

    /// <summary>The shortest any job of this state is kept: no job finished later than now minus this is deleted.</summary>
    public TimeSpan Shortest => ByTenant.Values.Concat(ByType.Values).Append(Default).Min();

    /// <summary>How long a job of this tenant and type is kept in this state: the longer of their settings, else the default.</summary>
    public TimeSpan For(string tenant, string type) =>
        (ByTenant.TryGetValue(tenant, out var byTenant), ByType.TryGetValue(type, out var byType)) switch
        {
            (true, true) => byTenant > byType ? byTenant : byType,
            (true, false) => byTenant,
            (false, true) => byType,
            _ => Default,
        };

    /// <summary>Whether some jobs must go before their day's partition may be dropped (deleted row by row).</summary>
    public bool HasShorterThanLongest => Shortest < Longest;
}
