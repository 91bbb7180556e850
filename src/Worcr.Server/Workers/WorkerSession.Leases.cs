using Worcr.Postgres;

namespace Worcr.Server.Workers;

/// <summary>
/// What the stream knows of its attempts' leases, so that the node can stop an attempt at its worker before anyone
/// else can be given it: either PostgreSQL says the stream no longer holds it, or the stream cannot have renewed its
/// lease in time (PostgreSQL unreachable) and the lease may be about to end.
/// </summary>
internal sealed partial class WorkerSession
{
    private readonly TimeProvider _time;
    // When the last renewal of this stream's leases started (its read loop only).
    private long _renewalStartedAt;

    /// <summary>How long after the last renewal started the read loop renews by itself (set once the heartbeat interval is known).</summary>
    public TimeSpan RenewalOverdueAfter { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>A renewal starts now: a heartbeat arrived (or the stream opened, with nothing to renew yet).</summary>
    public void RenewalStarting() => _renewalStartedAt = _time.GetTimestamp();

    /// <summary>
    /// True, and counted as started now, when no renewal started for <see cref="RenewalOverdueAfter"/>. The read loop asks after each report it read: a worker that keeps
    /// sending is alive even when its heartbeat waits behind its own log lines in its stream.
    /// </summary>
    public bool TakeOverdueRenewal()
    {
        var now = _time.GetTimestamp();
        if (RenewalOverdueAfter == Timeout.InfiniteTimeSpan || _time.GetElapsedTime(_renewalStartedAt, now) < RenewalOverdueAfter) return false;
        _renewalStartedAt = now;
        return true;
    }

    /// <summary>
    /// Applies a renewal sent at <paramref name="sentAt"/> for the attempts <paramref name="asked"/>: the renewed ones
    /// count their lease from then (PostgreSQL's <c>now()</c> is no earlier). Returns the attempts asked about that
    /// the stream still holds but PostgreSQL no longer shows under it: they were taken (requeued, cancelled) while the
    /// node may have missed the notification. Attempts whose outcome the worker sent are left to that outcome.
    /// </summary>
    public IReadOnlyList<(long JobId, int Attempt)> ApplyRenewal(IReadOnlyList<(long JobId, int Attempt)> asked, LeaseRenewal renewal, long sentAt)
    {
        var taken = new List<(long, int)>();
        lock (_lock)
        {
            foreach (var attempt in asked)
            {
                if (HeldJob(attempt.JobId, attempt.Attempt) is not { } held) continue;
                if (renewal.Renewed.Contains(attempt)) held.LeaseCountedFrom = Math.Max(held.LeaseCountedFrom, sentAt);
                else if (!renewal.Held.Contains(attempt) && !held.OutcomeSent) taken.Add(attempt);
            }
        }
        return taken;
    }

    /// <summary>Attempts the worker still runs whose lease was last known to start <paramref name="age"/> ago or more.</summary>
    public IReadOnlyList<(long JobId, int Attempt)> Lapsing(TimeSpan age)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            return _running.Values.Where(h => !h.OutcomeSent && _time.GetElapsedTime(h.LeaseCountedFrom, now) >= age)
                .Select(h => (h.Job.Id, h.Job.Attempt)).ToArray();
        }
    }

    /// <summary>The stream's clock (for the timestamps above).</summary>
    public long Timestamp() => _time.GetTimestamp();
}
