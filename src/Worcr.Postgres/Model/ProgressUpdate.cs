namespace Worcr.Postgres;

/// <summary>A progress report from a worker; a report from an older attempt never overwrites a newer one.</summary>
public sealed record ProgressUpdate(long JobId, int Attempt, string Name, long Current, long Total, string? Text);
