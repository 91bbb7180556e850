namespace Worcr.Postgres;

/// <summary>The latest value of one named progress counter.</summary>
public sealed record ProgressRecord(string Name, long Current, long Total, string? Text, DateTimeOffset UpdatedAt);
