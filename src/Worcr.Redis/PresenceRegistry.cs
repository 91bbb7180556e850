using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// Who is alive: nodes and workers heartbeat with a ttl; an entry that stops heartbeating expires by itself
/// and is pruned from its kind's index.
/// </summary>
public sealed class PresenceRegistry
{
    private const string InfoFieldPrefix = "i:";
    private const string SeenField = "seen";

    private readonly RedisConnection _connection;
    private readonly string _keyPrefix;

    public PresenceRegistry(RedisConnection connection, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _connection = connection;
        _keyPrefix = keyPrefix;
    }

    /// <summary>Records that <paramref name="id"/> is alive for <paramref name="ttl"/>, replacing its info.</summary>
    public async Task HeartbeatAsync(string kind, string id, IReadOnlyDictionary<string, string> info, TimeSpan ttl,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (ttl < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A heartbeat lasts at least 1 ms.");
        var args = new List<object>(2 + info.Count * 2) { id, (long)ttl.TotalMilliseconds };
        foreach (var (field, value) in info) args.AddRange([InfoFieldPrefix + field, value]);
        await _connection.EvalAsync(PresenceScripts.Heartbeat, Keys(kind, id), args, cancellationToken);
    }

    public async Task RemoveAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        await _connection.EvalAsync(PresenceScripts.Remove, Keys(kind, id), [id], cancellationToken);

    /// <summary>The live entries of one kind ("node" or "worker"), ordered by id.</summary>
    public async Task<IReadOnlyList<PresenceEntry>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var ids = await _connection.EvalAsync(PresenceScripts.PruneAndList, [RedisKeys.PresenceIndex(_keyPrefix, kind)], [], cancellationToken);
        // Entry hashes are read by separate commands (pipelined): a script may only touch keys it is given.
        var reads = ids.AsArray().Select(id => ReadEntryAsync(kind, id.AsString()!, cancellationToken)).ToArray();
        var entries = await Task.WhenAll(reads);
        return entries.OfType<PresenceEntry>().OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
    }

    private async Task<PresenceEntry?> ReadEntryAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var fields = (await _connection.ExecuteAsync("HGETALL", [RedisKeys.PresenceEntry(_keyPrefix, kind, id)], cancellationToken)).AsArray();
        // Empty when the entry expired after the index was read.
        if (fields.Count == 0) return null;
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastSeen = DateTimeOffset.MinValue;
        for (var i = 0; i + 1 < fields.Count; i += 2)
        {
            var field = fields[i].AsString()!;
            if (field == SeenField) lastSeen = DateTimeOffset.FromUnixTimeMilliseconds(fields[i + 1].AsInt64());
            else if (field.StartsWith(InfoFieldPrefix, StringComparison.Ordinal)) info[field[InfoFieldPrefix.Length..]] = fields[i + 1].AsString()!;
        }
        return new PresenceEntry(id, info, lastSeen);
    }

    private string[] Keys(string kind, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(id);
        return [RedisKeys.PresenceIndex(_keyPrefix, kind), RedisKeys.PresenceEntry(_keyPrefix, kind, id)];
    }
}
