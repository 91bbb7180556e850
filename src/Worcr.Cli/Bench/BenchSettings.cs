namespace Worcr.Cli.Bench;

/// <summary>What every workload shares: where PostgreSQL and Redis are (started here when null), how often to run, how long to wait.</summary>
internal sealed record BenchSettings(string? PostgresUrl, string? RedisUrl, int Runs, TimeSpan Timeout);
