using System.Collections.Concurrent;

namespace Worcr.Cli.Bench;

/// <summary>
/// Records handler starts and completions from many handlers at once, cheaply (the no-op handler must stay
/// cheap or the benchmark measures the recorder), and signals when the expected number of jobs has completed.
/// </summary>
internal sealed class StartRecorder
{
    private readonly ConcurrentQueue<JobStart> _starts = new();
    private readonly TaskCompletionSource _expectedReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int? _expected;
    private int _completed;
    private double _lastCompletionMs = double.NaN;
    private readonly Lock _lastCompletionLock = new();

    public StartRecorder(int? expected)
    {
        if (expected is <= 0) throw new ArgumentOutOfRangeException(nameof(expected), expected, "Must be positive when given.");
        _expected = expected;
    }

    /// <summary>Completes once the expected number of completions was recorded; never without an expectation.</summary>
    public Task ExpectedReached => _expectedReached.Task;

    public int CompletedCount => Volatile.Read(ref _completed);

    public void Started(string jobId, double unixMs, string? tenant = null) => _starts.Enqueue(new JobStart(jobId, unixMs, tenant));

    public void Finished(double unixMs)
    {
        lock (_lastCompletionLock)
        {
            if (double.IsNaN(_lastCompletionMs) || unixMs > _lastCompletionMs) _lastCompletionMs = unixMs;
        }
        if (Interlocked.Increment(ref _completed) == _expected) _expectedReached.TrySetResult();
    }

    public WorkerReport ToReport()
    {
        lock (_lastCompletionLock)
        {
            return new WorkerReport(_starts.ToArray(), double.IsNaN(_lastCompletionMs) ? null : _lastCompletionMs);
        }
    }
}
