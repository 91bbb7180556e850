using System.Collections.Concurrent;
using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>The concurrency permits of jobs this node dispatched, by worker: released when a job leaves, renewed on heartbeats.</summary>
internal sealed class HeldPermits
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, (int Attempt, IReadOnlyList<LimitCounter> Counters)>> _byWorker = new(StringComparer.Ordinal);

    public void Add(string workerId, long jobId, int attempt, IReadOnlyList<LimitCounter> counters) =>
        _byWorker.GetOrAdd(workerId, _ => new())[jobId] = (attempt, counters);

    /// <summary>
    /// Forgets the permits of this attempt of the job and returns its counters (none when it held none here, or when
    /// the worker holds another attempt now: that one's permits stay).
    /// </summary>
    public IReadOnlyList<LimitCounter> Remove(string workerId, long jobId, int attempt)
    {
        if (!_byWorker.TryGetValue(workerId, out var jobs) || !jobs.TryGetValue(jobId, out var held) || held.Attempt != attempt) return [];
        return jobs.TryRemove(new KeyValuePair<long, (int, IReadOnlyList<LimitCounter>)>(jobId, held)) ? held.Counters : [];
    }

    public bool Holds(string workerId, long jobId, int attempt) =>
        _byWorker.TryGetValue(workerId, out var jobs) && jobs.TryGetValue(jobId, out var held) && held.Attempt == attempt;

    public IReadOnlyList<(long JobId, int Attempt, IReadOnlyList<LimitCounter> Counters)> Of(string workerId) =>
        _byWorker.TryGetValue(workerId, out var jobs) ? jobs.Select(j => (j.Key, j.Value.Attempt, j.Value.Counters)).ToArray() : [];

    public void ForgetWorker(string workerId) => _byWorker.TryRemove(workerId, out _);
}
