using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis;

/// <summary>
/// Who is alive: nodes and workers heartbeat with a ttl; an entry that stops heartbeating expires by itself
/// and is pruned from its kind's index.
/// </summary>
public sealed class PresenceRegistry
{
    /// <summary>How many entries one heartbeat script call carries at most: Redis serves nothing else while a script runs.</summary>
    public const int MaxBeatsPerCall = 100;

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
    public Task HeartbeatAsync(string kind, string id, IReadOnlyDictionary<string, string> info, TimeSpan ttl,
        CancellationToken cancellationToken = default) =>
        HeartbeatAsync(kind, [new PresenceBeat(id, info)], ttl, cancellationToken);

    /// <summary>
    /// Records that every entry of <paramref name="beats"/> is alive for <paramref name="ttl"/>, replacing its info:
    /// one script call per <see cref="MaxBeatsPerCall"/> entries (a node beats all its workers at once), the calls
    /// pipelined. An entry's keys share its kind's hash tag, so one call stays on one slot.
    /// </summary>
    public async Task HeartbeatAsync(string kind, IReadOnlyList<PresenceBeat> beats, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(beats);
        if (ttl < TimeSpan.FromMilliseconds(1)) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A heartbeat lasts at least 1 ms.");
        // Every entry is checked before any is sent: a bad one fails the call without a partial beat.
        foreach (var beat in beats)
        {
            ArgumentNullException.ThrowIfNull(beat, nameof(beats));
            ArgumentException.ThrowIfNullOrEmpty(beat.Id, nameof(beats));
            ArgumentNullException.ThrowIfNull(beat.Info, nameof(beats));
        }
        if (beats.Count == 0) return;
        if (beats.Count <= MaxBeatsPerCall)
        {
            await BeatAsync(kind, beats, ttl, cancellationToken);
            return;
        }
        await Task.WhenAll(beats.Chunk(MaxBeatsPerCall).Select(chunk => BeatAsync(kind, chunk, ttl, cancellationToken)));
    }

    private Task<RedisResult> BeatAsync(string kind, IReadOnlyList<PresenceBeat> beats, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var keys = new RedisKey[1 + beats.Count];
        keys[0] = RedisKeys.PresenceIndex(_keyPrefix, kind);
        var args = new RedisValue[1 + beats.Sum(beat => 2 + beat.Info.Count * 2)];
        args[0] = (long)ttl.TotalMilliseconds;
        var next = 1;
        for (var i = 0; i < beats.Count; i++)
        {
            var (id, info) = beats[i];
            keys[1 + i] = RedisKeys.PresenceEntry(_keyPrefix, kind, id);
            args[next++] = id;
            args[next++] = info.Count * 2;
            foreach (var (field, value) in info)
            {
                args[next++] = InfoFieldPrefix + field;
                args[next++] = value;
            }
        }
        return _connection.EvalAsync(PresenceScripts.Heartbeat, keys, args, cancellationToken);
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
