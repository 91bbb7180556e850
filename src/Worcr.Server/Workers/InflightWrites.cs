namespace Worcr.Server.Workers;

/// <summary>
/// Writes a worker's stream started but did not wait for (outcomes, checkpoints, and the reports queued behind
/// them), so the stream can settle them before it ends: their acknowledgements go out, a job whose completion is on
/// its way to the disk is not mistaken for one the vanished worker abandoned, and a queued report reaches the report
/// writer before a stopping node stops it.
/// </summary>
internal sealed class InflightWrites
{
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _pending = new();

    public void Track(Task write)
    {
        if (write.IsCompleted) return;
        lock (_lock) _pending.Add(write);
        write.ContinueWith(done =>
        {
            lock (_lock) _pending.Remove(done);
        }, TaskScheduler.Default);
    }

    /// <summary>Completes when every write tracked so far has finished (successfully or not).</summary>
    public Task SettledAsync()
    {
        Task[] pending;
        lock (_lock) pending = _pending.ToArray();
        return Task.WhenAll(pending).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
