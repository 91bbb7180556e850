namespace Worcr.Redis;

/// <summary>One entry's heartbeat: its id and the info it reports (which replaces what it reported before).</summary>
public sealed record PresenceBeat(string Id, IReadOnlyDictionary<string, string> Info);
