namespace Worcr.Postgres;

/// <summary>A rule as stored: kind ("weight", "enqueue", "retry", "limit_key"), language ("lua", "javascript", "tag_match").</summary>
public sealed record StoredRule(string Name, string Kind, string Language, string Code, int Order, bool Enabled, int Version, DateTimeOffset UpdatedAt);
