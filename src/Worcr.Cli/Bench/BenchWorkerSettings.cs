namespace Worcr.Cli.Bench;

/// <summary>
/// What `worcr bench-worker` was asked for. <paramref name="JobMs"/>: how long each handler sleeps (0 = no-op).
/// <paramref name="FloodUpdates"/>: when positive, the process is a flooding worker instead (see <see cref="FloodWorker"/>).
/// <paramref name="IdleWorkers"/>: when positive, the process holds that many idle workers instead (see <see cref="IdleWorkers"/>).
/// <paramref name="Prefetch"/>: jobs the worker holds ahead of its free slots (<c>WorkerOptions.Prefetch</c>).
/// </summary>
internal sealed record BenchWorkerSettings(
    Uri Server, string? Token, int Concurrency, string JobType, string? ReportPath, int? Expect, bool StopOnStdinClose,
    IReadOnlyList<string> Tags, double JobMs = 0, int FloodUpdates = 0, int IdleWorkers = 0, int Prefetch = 0)
{
    /// <summary>Tags from the comma-separated `--tags` value; empty or missing means none.</summary>
    public static IReadOnlyList<string> ParseTags(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
