namespace Worcr.Server.Maintenance;

/// <summary>
/// One duty of the maintenance leader (lease reaper, promoter, expirer, cron, retention, statistics). The
/// leader runs every maintainer once per pass while it holds the leader lock; a duty never runs on two nodes at once
/// unless a leadership change races a pass, so each duty is an idempotent statement or a compare-and-set.
/// </summary>
internal interface IMaintainer
{
    /// <summary>Short name for logs, e.g. "lease reaper".</summary>
    string Name { get; }

    /// <summary>One pass of the duty; returns how many jobs it made ready to dispatch (the leader then wakes the dispatch loop once).</summary>
    /// <param name="fencingToken">The leader lease's token, for duties that record who did what.</param>
    Task<int> RunOnceAsync(long fencingToken, CancellationToken ct);
}
