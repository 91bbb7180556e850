using System.Diagnostics;

namespace Worcr.Cli.Bench;

/// <summary>
/// Calls per second of an in-process operation: calls it in chunks (so reading the clock costs little next to
/// the operation) until the duration has passed. The step gets a running counter to pick its input with.
/// </summary>
internal static class CallRate
{
    private const int Chunk = 256;

    public static double Measure(Action<long> step, TimeSpan duration) => MeasureWithCpu(step, duration).PerSecond;

    /// <summary>
    /// Calls per second of wall-clock time and per second of this process's CPU time. On a machine busier than its
    /// cores the first mostly measures the share of CPU the bench got; the second what a call costs.
    /// </summary>
    public static (double PerSecond, double PerCpuSecond) MeasureWithCpu(Action<long> step, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "Must be positive.");
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        long calls = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < Chunk; i++) step(calls + i);
            calls += Chunk;
        }
        var elapsed = watch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (calls / elapsed.TotalSeconds, cpu > TimeSpan.Zero ? calls / cpu.TotalSeconds : double.NaN);
    }
}
