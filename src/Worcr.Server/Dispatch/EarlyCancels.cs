namespace Worcr.Server.Dispatch;

/// <summary>
/// Cancels this node heard for attempts none of its worker streams held yet. A claim commits, and only then does the
/// dispatch loop hand the job to the worker's stream; a cancel committed and announced in between names this node,
/// but no stream holds the attempt to revoke. The loop takes the cancel from here just before it would queue the
/// Assign (and once more just after, for a cancel heard in between), so the worker never runs a cancelled attempt.
/// </summary>
/// <remarks>
/// Bounded: an entry counts for <paramref name="keepFor"/> after it was heard, far longer than the claim-to-Assign gap
/// (an Assign queued later still is stopped by the worker's next lease renewal, which finds the job gone), and at most
/// <see cref="Capacity"/> are kept, the oldest dropped first. Only cancels that found no holder are kept, so in
/// practice a handful at most.
/// </remarks>
internal sealed class EarlyCancels(TimeSpan keepFor, TimeProvider time)
{
    /// <summary>The most entries kept at once.</summary>
    public const int Capacity = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<(long JobId, int Attempt), long> _heardAt = new();

    /// <summary>Entries kept right now, expired ones not yet dropped included.</summary>
    public int Count
    {
        get
        {
            lock (_lock) return _heardAt.Count;
        }
    }

    /// <summary>A cancel of this attempt was heard and no stream held it.</summary>
    public void Remember(long jobId, int attempt)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            DropExpiredLocked(now);
            if (_heardAt.Count >= Capacity) _heardAt.Remove(_heardAt.MinBy(entry => entry.Value).Key);
            _heardAt[(jobId, attempt)] = now;
        }
    }

    /// <summary>True when a cancel of this attempt was heard within the last <c>keepFor</c>; it is forgotten either way.</summary>
    public bool Take(long jobId, int attempt)
    {
        lock (_lock)
        {
            return _heardAt.Remove((jobId, attempt), out var heardAt) && time.GetElapsedTime(heardAt) < keepFor;
        }
    }

    private void DropExpiredLocked(long now)
    {
        foreach (var (attempt, heardAt) in _heardAt)
        {
            // Removing the current entry while enumerating is allowed for Dictionary (and only that).
            if (time.GetElapsedTime(heardAt, now) >= keepFor) _heardAt.Remove(attempt);
        }
    }
}
