using System.Collections.Concurrent;

namespace Worcr.Worker.Internal;

/// <summary>
/// What every stream of one worker shares: the slots (at most <c>concurrency</c> handlers at once, whichever stream
/// assigned them) and the attempts the streams hold that have not left yet, by job id. A lost or left stream cancels
/// its handlers, but one that ignores its token keeps running: its slot and its entry stay taken until it returns,
/// so the next stream neither runs more handlers than the concurrency nor starts the job's next attempt beside it.
/// </summary>
internal sealed class WorkerJobs(int concurrency)
{
    public SemaphoreSlim Slots { get; } = new(concurrency, concurrency);

    public ConcurrentDictionary<string, RunningJob> Held { get; } = new();

    public JobCounter Running { get; } = new();

    /// <summary>Completes when every attempt has left (the handlers of lost streams included).</summary>
    public async Task AllLeftAsync()
    {
        while (Held.Values.Select(job => job.Done).ToArray() is { Length: > 0 } pending)
        {
            await Task.WhenAll(pending);
        }
    }
}
