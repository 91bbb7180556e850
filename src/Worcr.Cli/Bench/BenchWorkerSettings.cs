namespace Worcr.Cli.Bench;

/// <summary>What `worcr bench-worker` was asked for.</summary>
internal sealed record BenchWorkerSettings(
    Uri Server, string? Token, int Concurrency, string JobType, string? ReportPath, int? Expect, bool StopOnStdinClose,
    IReadOnlyList<string> Tags)
{
    /// <summary>Tags from the comma-separated `--tags` value; empty or missing means none.</summary>
    public static IReadOnlyList<string> ParseTags(string? commaSeparated) =>
        (commaSeparated ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
