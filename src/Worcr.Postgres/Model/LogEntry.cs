namespace Worcr.Postgres;

/// <summary>One log line a worker wrote for a job.</summary>
public sealed record LogEntry(long JobId, int Attempt, string Level, string Text, DateTimeOffset At);
