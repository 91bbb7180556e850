using System.Diagnostics;

namespace Worcr.Cli.Bench;

/// <summary>
/// Calls per second of an in-process operation: calls it in chunks (so reading the clock costs little next to
/// the operation) until the duration has passed. The step gets a running counter to pick its input with.
/// </summary>
internal static class CallRate
{
    private const int Chunk = 256;

    public static double Measure(Action<long> step, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(duration), duration, "Must be positive.");
        var watch = Stopwatch.StartNew();
        long calls = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < Chunk; i++) step(calls + i);
            calls += Chunk;
        }
        return calls / watch.Elapsed.TotalSeconds;
    }
}
