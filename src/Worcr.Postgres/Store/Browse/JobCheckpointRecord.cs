namespace Worcr.Postgres;

/// <summary>A saved checkpoint with the attempt that saved it.</summary>
public sealed record JobCheckpointRecord(string Name, string Value, int Attempt, DateTimeOffset UpdatedAt);
