using System.Collections.Concurrent;
using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>The concurrency permits of jobs this node dispatched, by worker: released when a job leaves, renewed on heartbeats.</summary>
internal sealed class HeldPermits
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, (int Attempt, IReadOnlyList<LimitCounter> Counters)>> _byWorker = new(StringComparer.Ordinal);

    public void Add(string workerId, long jobId, int attempt, IReadOnlyList<LimitCounter> counters) =>
        _byWorker.GetOrAdd(workerId, _ => new())[jobId] = (attempt, counters);

    /// <summary>Forgets a job's permits and returns its counters (none when it held none here).</summary>
    public IReadOnlyList<LimitCounter> Remove(string workerId, long jobId) =>
        _byWorker.TryGetValue(workerId, out var jobs) && jobs.TryRemove(jobId, out var held) ? held.Counters : [];

    public IReadOnlyList<(long JobId, int Attempt, IReadOnlyList<LimitCounter> Counters)> Of(string workerId) =>
        _byWorker.TryGetValue(workerId, out var jobs) ? jobs.Select(j => (j.Key, j.Value.Attempt, j.Value.Counters)).ToArray() : [];

    public void ForgetWorker(string workerId) => _byWorker.TryRemove(workerId, out _);
}
