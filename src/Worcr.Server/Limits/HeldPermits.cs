using Worcr.Core.Lanes;
using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>
/// The attempts this node dispatched, by worker, with their lane and the concurrency permits granted at their claim:
/// released when an attempt leaves, renewed on heartbeats. Every claimed attempt is kept, those of lanes without
/// limits too: a concurrency limit defined while they run makes the holders rebuild register them under its key, and
/// their release and renewal must then cover that key (the lane says which keys today's limits give it). Kept per
/// attempt, as the holders in Redis are: a job yielded (or failed with a retry left) and given again to the same
/// worker holds its new attempt's permits beside the old attempt's until the old attempt's release, which still finds
/// and frees the old holder (one entry per job let the new attempt replace the old one, whose holder then stayed in
/// Redis for a whole lease). A worker's entry goes when its last attempt is released, never as a whole: a job added
/// by a claim still in flight when the worker's stream ended is not among those the stream's end released, and is
/// freed when that claim gives its job back.
/// </summary>
internal sealed class HeldPermits
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<(long JobId, int Attempt), HeldAttempt>> _byWorker = new(StringComparer.Ordinal);

    public void Add(string workerId, long jobId, int attempt, Lane lane, IReadOnlyList<LimitCounter> granted)
    {
        lock (_lock)
        {
            if (!_byWorker.TryGetValue(workerId, out var attempts)) _byWorker[workerId] = attempts = new();
            attempts[(jobId, attempt)] = new HeldAttempt(jobId, attempt, lane, granted);
        }
    }

    /// <summary>Forgets this attempt of the job and returns it (null when this node does not hold it).</summary>
    public HeldAttempt? Remove(string workerId, long jobId, int attempt)
    {
        lock (_lock)
        {
            if (!_byWorker.TryGetValue(workerId, out var attempts) || !attempts.Remove((jobId, attempt), out var held)) return null;
            if (attempts.Count == 0) _byWorker.Remove(workerId);
            return held;
        }
    }

    public bool Holds(string workerId, long jobId, int attempt)
    {
        lock (_lock) return _byWorker.TryGetValue(workerId, out var attempts) && attempts.ContainsKey((jobId, attempt));
    }

    /// <summary>The worker's attempts right now (a copy).</summary>
    public IReadOnlyList<HeldAttempt> Of(string workerId)
    {
        lock (_lock)
        {
            return _byWorker.TryGetValue(workerId, out var attempts) ? attempts.Values.ToArray() : [];
        }
    }
}
