using StackExchange.Redis;
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
        var args = new RedisValue[2 + info.Count * 2];
        args[0] = id;
        args[1] = (long)ttl.TotalMilliseconds;
        var next = 2;
        foreach (var (field, value) in info)
        {
            args[next++] = InfoFieldPrefix + field;
            args[next++] = value;
        }
        await _connection.EvalAsync(PresenceScripts.Heartbeat, Keys(kind, id), args, cancellationToken);
    }

    public async Task RemoveAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        await _connection.EvalAsync(PresenceScripts.Remove, Keys(kind, id), [id], cancellationToken);

    /// <summary>The live entries of one kind ("node" or "worker"), ordered by id.</summary>
    public async Task<IReadOnlyList<PresenceEntry>> ListAsync(string kind, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var ids = (string[])(await _connection.EvalAsync(PresenceScripts.PruneAndList, [RedisKeys.PresenceIndex(_keyPrefix, kind)], [], cancellationToken))!;
        // Entry hashes are read by separate commands (pipelined): a script may only touch keys it is given.
        var reads = ids.Select(id => ReadEntryAsync(kind, id, cancellationToken)).ToArray();
        var entries = await Task.WhenAll(reads);
        return entries.OfType<PresenceEntry>().OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
    }

    private async Task<PresenceEntry?> ReadEntryAsync(string kind, string id, CancellationToken cancellationToken)
    {
        var fields = await _connection.Database.HashGetAllAsync(RedisKeys.PresenceEntry(_keyPrefix, kind, id)).WaitAsync(cancellationToken);
        // Empty when the entry expired after the index was read.
        if (fields.Length == 0) return null;
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastSeen = DateTimeOffset.MinValue;
        foreach (var entry in fields)
        {
            var field = entry.Name.ToString();
            if (field == SeenField) lastSeen = DateTimeOffset.FromUnixTimeMilliseconds((long)entry.Value);
            else if (field.StartsWith(InfoFieldPrefix, StringComparison.Ordinal)) info[field[InfoFieldPrefix.Length..]] = entry.Value.ToString();
        }
        return new PresenceEntry(id, info, lastSeen);
    }

    private RedisKey[] Keys(string kind, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(id);
        return [RedisKeys.PresenceIndex(_keyPrefix, kind), RedisKeys.PresenceEntry(_keyPrefix, kind, id)];
    }
}
