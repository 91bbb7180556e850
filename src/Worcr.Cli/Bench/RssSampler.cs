namespace Worcr.Cli.Bench;

/// <summary>
/// Samples this process's resident set size (<see cref="ResidentMemory"/>) every 100 ms while a run goes on and
/// keeps the highest. In the server workloads the node runs inside the bench process, so this is the node's RSS plus
/// the bench's producer client (a few MB). Alongside, the highest memory the GC had committed (its heap, whatever
/// is used of it): RSS minus that is code, runtime and native buffers.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private double _maxMegabytes;
    private double _maxGcCommittedMegabytes;

    public RssSampler()
    {
        Sample();
        _sampling = SampleUntilStoppedAsync();
    }

    /// <summary>The highest RSS seen so far, in MB.</summary>
    public double MaxMegabytes
    {
        get
        {
            Sample();
            return Volatile.Read(ref _maxMegabytes);
        }
    }

    /// <summary>The most memory the GC had committed at any sample, in MB.</summary>
    public double MaxGcCommittedMegabytes
    {
        get
        {
            Sample();
            return Volatile.Read(ref _maxGcCommittedMegabytes);
        }
    }

    private async Task SampleUntilStoppedAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Sample();
        }
        catch (OperationCanceledException)
        {
            // the run is over
        }
    }

    private void Sample()
    {
        var now = ResidentMemory.OfThisProcess();
        var gcCommitted = GC.GetGCMemoryInfo().TotalCommittedBytes / 1024.0 / 1024.0;
        lock (_stop)
        {
            _maxMegabytes = Math.Max(_maxMegabytes, now);
            _maxGcCommittedMegabytes = Math.Max(_maxGcCommittedMegabytes, gcCommitted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}
