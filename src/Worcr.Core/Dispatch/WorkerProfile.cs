namespace Worcr.Core.Dispatch;

/// <summary>What the scheduler knows about a worker when it picks work for it.</summary>
/// <param name="WorkerId">The worker's id.</param>
/// <param name="Tags">Its tags, sorted and distinct.</param>
/// <param name="JobTypes">The job types it has handlers for.</param>
public sealed record WorkerProfile(string WorkerId, IReadOnlyList<string> Tags, IReadOnlySet<string> JobTypes)
{
    /// <summary>The part of the profile rules can see; workers with equal signatures score every lane alike.</summary>
    public string Signature { get; } = string.Join(',', Tags) + "|" + string.Join(',', JobTypes.Order(StringComparer.Ordinal));
}
