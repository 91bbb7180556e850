using Worcr.Core.Lanes;

namespace Worcr.Core.Dispatch;

/// <summary>What the scheduler knows about a worker when it picks work for it.</summary>
/// <param name="WorkerId">The worker's id.</param>
/// <param name="Tags">Its tags, sorted and distinct.</param>
/// <param name="JobTypes">The job types it has handlers for.</param>
public sealed record WorkerProfile(string WorkerId, IReadOnlyList<string> Tags, IReadOnlySet<string> JobTypes)
{
    /// <summary>
    /// The part of the profile rules can see; workers with equal signatures score every lane alike. Tags are
    /// normalised here too, so a caller that forgot to sort them still shares the rule cache entry.
    /// </summary>
    public string Signature { get; } = string.Join(',', Lane.NormaliseTags(Tags)) + "|" + string.Join(',', JobTypes.Order(StringComparer.Ordinal));
}
