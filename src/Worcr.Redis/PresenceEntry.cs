namespace Worcr.Redis;

/// <summary>A live node or worker as it last reported itself.</summary>
public sealed record PresenceEntry(string Id, IReadOnlyDictionary<string, string> Info, DateTimeOffset LastSeen);
