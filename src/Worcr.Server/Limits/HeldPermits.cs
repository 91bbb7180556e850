using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>
/// The concurrency permits of jobs this node dispatched, by worker: released when a job leaves, renewed on heartbeats.
/// A worker's entry goes when its last job is released, never as a whole: a job added by a claim still in flight when
/// the worker's stream ended is not among those the stream's end released, and is freed when that claim gives its job
/// back (forgetting the worker at the stream's end lost it, and its holder stayed in Redis for a whole lease).
/// </summary>
internal sealed class HeldPermits
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<long, (int Attempt, IReadOnlyList<LimitCounter> Counters)>> _byWorker = new(StringComparer.Ordinal);

    public void Add(string workerId, long jobId, int attempt, IReadOnlyList<LimitCounter> counters)
    {
        lock (_lock)
        {
            if (!_byWorker.TryGetValue(workerId, out var jobs)) _byWorker[workerId] = jobs = new();
            jobs[jobId] = (attempt, counters);
        }
    }

    /// <summary>
    /// Forgets the permits of this attempt of the job and returns its counters (none when it held none here, or when
    /// the worker holds another attempt now: that one's permits stay).
    /// </summary>
    public IReadOnlyList<LimitCounter> Remove(string workerId, long jobId, int attempt)
    {
        lock (_lock)
        {
            if (!_byWorker.TryGetValue(workerId, out var jobs) || !jobs.TryGetValue(jobId, out var held) || held.Attempt != attempt) return [];
            jobs.Remove(jobId);
            if (jobs.Count == 0) _byWorker.Remove(workerId);
            return held.Counters;
        }
    }

    public bool Holds(string workerId, long jobId, int attempt)
    {
        lock (_lock) return _byWorker.TryGetValue(workerId, out var jobs) && jobs.TryGetValue(jobId, out var held) && held.Attempt == attempt;
    }

    /// <summary>The worker's jobs right now (a copy).</summary>
    public IReadOnlyList<(long JobId, int Attempt, IReadOnlyList<LimitCounter> Counters)> Of(string workerId)
    {
        lock (_lock) return _byWorker.TryGetValue(workerId, out var jobs) ? jobs.Select(j => (j.Key, j.Value.Attempt, j.Value.Counters)).ToArray() : [];
    }
}
