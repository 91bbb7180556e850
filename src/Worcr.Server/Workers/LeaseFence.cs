using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.JobTypes;
using Worcr.Server.Limits;

namespace Worcr.Server.Workers;

/// <summary>
/// Keeps a stream's attempts within their leases, so that no attempt runs on two workers at once: before the leader
/// can give an attempt to another worker (its lease ended, or it was requeued or cancelled), the worker running it is
/// told to cancel it and the node refuses its reports on it. Two ways, because the leader's cancel travels by NOTIFY
/// and a node whose PostgreSQL connections are down hears none:
/// <list type="bullet">
/// <item>each heartbeat's renewal says which attempts PostgreSQL still shows under the stream; the others are stopped;</item>
/// <item>an attempt whose lease the node cannot have renewed for nearly a lease (PostgreSQL unreachable) is stopped
/// before that lease can end, by the node's own monotonic clock counted from before the renewal that set it, or from
/// the attempt's Assign. PostgreSQL's expiry (its <c>now()</c> at the claim plus the lease) can be earlier than that
/// count by the claim's round trip, which the safety margin covers; a claim read back after its answer was lost
/// starts the lease again as it is read (<c>JobClaimer</c>), shortly before its Assign.</item>
/// </list>
/// </summary>
internal sealed class LeaseFence(JobStore store, JobTypeRegistry jobTypes, LimitGate limits, TimeSpan defaultLease, ILogger logger)
{
    /// <summary>Renews the stream's leases, and stops the attempts PostgreSQL shows it no longer holds.</summary>
    public async Task RenewAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var asked = session.HeldAttempts();
        var sentAt = session.Timestamp();
        var renewal = await store.RenewHeldLeasesAsync(session.Holder, asked, defaultLease, cancellationToken);
        Revoke(session, session.ApplyRenewal(asked, renewal, sentAt), "the attempt is no longer held by this worker (requeued or cancelled)");
    }

    /// <summary>
    /// Until the stream ends: stops each attempt whose lease was last counted from longer ago than the shortest lease
    /// of the worker's job types, less a safety margin (its heartbeat interval, at most a third of that lease), checked
    /// four times per margin.
    /// </summary>
    public async Task WatchAsync(WorkerSession session, IEnumerable<string> types, TimeSpan heartbeatInterval, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var lease = await ShortestLeaseAsync(types, cancellationToken);
        var margin = heartbeatInterval < lease / 3 ? heartbeatInterval : lease / 3;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(margin / 4, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (cancellationToken.IsCancellationRequested) return;
            Revoke(session, session.Lapsing(lease - margin), "its lease could not be renewed (PostgreSQL unreachable) and is about to end");
        }
    }

    /// <summary>The shortest lease any of the types' jobs get: a type's own <c>lease_ms</c>, else the node's default.</summary>
    private async Task<TimeSpan> ShortestLeaseAsync(IEnumerable<string> types, CancellationToken cancellationToken)
    {
        var shortest = defaultLease;
        foreach (var type in types.Distinct(StringComparer.Ordinal))
        {
            if ((await jobTypes.SettingsAsync(type, cancellationToken)).LeaseMs is { } leaseMs && TimeSpan.FromMilliseconds(leaseMs) < shortest)
            {
                shortest = TimeSpan.FromMilliseconds(leaseMs);
            }
        }
        return shortest;
    }

    private void Revoke(WorkerSession session, IReadOnlyList<(long JobId, int Attempt)> attempts, string reason)
    {
        var stopped = attempts.Count(a => AttemptRevoker.Revoke(session, limits, a.JobId, a.Attempt, "cancelled: " + reason));
        if (stopped > 0) LeaseFenceLog.AttemptsStopped(logger, session.WorkerId, stopped, reason);
    }
}
