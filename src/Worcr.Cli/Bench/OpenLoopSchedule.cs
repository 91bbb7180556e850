namespace Worcr.Cli.Bench;

/// <summary>
/// When the i-th call of an open-loop load is due: at a fixed rate from a start time, whatever earlier calls did.
/// A closed loop (send, wait for the answer, send) would slow down exactly when the system is slow and hide it.
/// </summary>
internal sealed class OpenLoopSchedule
{
    private readonly double _startMs;
    private readonly double _intervalMs;

    public OpenLoopSchedule(double ratePerSecond, double startUnixMs)
    {
        if (ratePerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ratePerSecond), ratePerSecond, "Must be positive.");
        _startMs = startUnixMs;
        _intervalMs = 1000 / ratePerSecond;
    }

    public double DueMs(int index) => _startMs + index * _intervalMs;

    /// <summary>Waits until the call is due; returns at once when it is already late (the schedule catches up, it never slips).</summary>
    public async Task WaitUntilDueAsync(int index, CancellationToken cancellationToken)
    {
        var wait = DueMs(index) - BenchClock.NowMs();
        if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken);
    }
}
