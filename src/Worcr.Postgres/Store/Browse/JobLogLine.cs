namespace Worcr.Postgres;

/// <summary>One stored log line of a job, with its row id.</summary>
public sealed record JobLogLine(long Id, int Attempt, string Level, string Text, DateTimeOffset At);
