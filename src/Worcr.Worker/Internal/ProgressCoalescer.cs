using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// Keeps only the latest value of each progress counter and sends them at most once per interval, so a handler can
/// report progress in a tight loop without flooding the stream. The node keeps the latest value anyway.
/// </summary>
internal sealed class ProgressCoalescer
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private readonly Dictionary<(string JobId, string Name), Progress> _latest = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Func<WorkerMessage, bool> _post;

    public ProgressCoalescer(Func<WorkerMessage, bool> post)
    {
        _post = post;
    }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _latest.Count;
            }
        }
    }

    public void Report(Progress progress)
    {
        lock (_gate)
        {
            var wasEmpty = _latest.Count == 0;
            _latest[(progress.JobId, progress.Name)] = progress;
            if (wasEmpty)
            {
                _signal.Release();
            }
        }
    }

    /// <summary>Sends a job's pending counters now, so they go out before the job's Complete/Fail/Yield.</summary>
    public void FlushJob(string jobId)
    {
        lock (_gate)
        {
            foreach (var key in _latest.Keys.Where(key => key.JobId == jobId).ToList())
            {
                _post(new WorkerMessage { Progress = _latest[key] });
                _latest.Remove(key);
            }
        }
    }

    public void FlushAll()
    {
        lock (_gate)
        {
            foreach (var progress in _latest.Values)
            {
                _post(new WorkerMessage { Progress = progress });
            }

            _latest.Clear();
        }
    }

    public async Task RunAsync(TimeSpan interval, CancellationToken ct)
    {
        while (true)
        {
            await _signal.WaitAsync(ct);
            FlushAll();
            // Not a synchronisation: the pause is what coalesces the updates made meanwhile.
            await Task.Delay(interval, ct);
        }
    }
}
