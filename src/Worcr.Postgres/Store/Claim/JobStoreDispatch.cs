using Worcr.Core.Dispatch;

namespace Worcr.Postgres;

/// <summary>The dispatch loop's slice of the store: backlog, lanes and claims (in JobStore.cs), and the give-back.</summary>
public sealed partial class JobStore : IDispatchStore
{
    /// <summary>A claimed job that never reached its worker waits again at once: a yield without delay, fenced by its attempt.</summary>
    public Task<bool> GiveBackAsync(ClaimedJob job, CancellationToken ct = default) => _yielder.YieldAsync(job.Id, job.Attempt, TimeSpan.Zero, null, ct);
}
