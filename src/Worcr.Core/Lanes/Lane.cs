namespace Worcr.Core.Lanes;

/// <summary>
/// A group of jobs that score alike for every worker: same tenant, type, tag set and base weight.
/// Rules and fairness decide between lanes, never between the jobs inside one (those run oldest first),
/// so rule scripts run once per (lane signature, worker signature) instead of once per job.
/// </summary>
/// <param name="Id">Database id of the lane.</param>
/// <param name="Tenant">The tenant its jobs belong to.</param>
/// <param name="Type">The job type.</param>
/// <param name="Tags">The tag set, sorted and distinct.</param>
/// <param name="Weight">The jobs' base weight.</param>
public sealed record Lane(long Id, string Tenant, string Type, IReadOnlyList<string> Tags, double Weight)
{
    /// <summary>
    /// The limit keys its jobs share, sorted and distinct (computed once, at enqueue). Part of the signature, so
    /// a lane over a limit is skipped as a whole while other lanes run: no head-of-line blocking.
    /// </summary>
    public IReadOnlyList<string> LimitKeys { get; init; } = [];

    /// <summary>Trims, sorts and de-duplicates tags the way lanes store them.</summary>
    public static string[] NormaliseTags(IEnumerable<string> tags)
    {
        // This runs several times for every job enqueued, and most tag sets are already in shape: copied as they are.
        if (tags is IReadOnlyList<string> list && IsNormalised(list)) return list.Count == 0 ? [] : [.. list];
        return tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>True when every tag is trimmed and non-empty and each sorts strictly after the one before it.</summary>
    private static bool IsNormalised(IReadOnlyList<string> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (tag.Length == 0 || char.IsWhiteSpace(tag[0]) || char.IsWhiteSpace(tag[^1])) return false;
            if (i > 0 && string.CompareOrdinal(tags[i - 1], tag) >= 0) return false;
        }
        return true;
    }
}
