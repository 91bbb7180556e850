namespace Worcr.Cli.Bench;

/// <summary>
/// Wall-clock time as unix milliseconds with sub-millisecond precision. The bench and the worker are separate
/// processes on one machine, so both read the same system clock; a Stopwatch would not be comparable across them.
/// </summary>
internal static class BenchClock
{
    public static double NowMs() => ToUnixMs(DateTime.UtcNow);

    public static double ToUnixMs(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;
}
