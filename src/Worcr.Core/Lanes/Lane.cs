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

    /// <summary>Sorts and de-duplicates tags the way lanes store them.</summary>
    public static string[] NormaliseTags(IEnumerable<string> tags) =>
        tags.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
