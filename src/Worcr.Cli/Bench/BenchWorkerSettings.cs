namespace Worcr.Cli.Bench;

/// <summary>What `worcr bench-worker` was asked for.</summary>
internal sealed record BenchWorkerSettings(
    Uri Server, string? Token, int Concurrency, string JobType, string? ReportPath, int? Expect, bool StopOnStdinClose);
