using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Caching;
using Worcr.Core.Errors;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Lane ids by signature and lanes by id, remembered within <see cref="LaneBounds.CacheCapacity"/> each. A lane
/// never changes once created, but retention deletes idle ones: an id remembered longer than
/// <see cref="LaneBounds.MarkInterval"/> is looked up again, which marks the lane used (last_used_at), so an id a
/// node hands to an enqueue always names a lane that retention will not delete (retention waits at least twice that
/// long; no foreign key checks it, migration 017). Lanes are upserted in their own statements, outside the enqueue
/// transaction, so a remembered id always refers to a committed row.
/// </summary>
internal sealed class LaneCache(NpgsqlDataSource dataSource, SchemaSql sql, LaneBounds bounds, int capacity = LaneBounds.CacheCapacity)
{
    private const string InputSql = """
        WITH input AS (
            SELECT i.tenant, i.type, ARRAY(SELECT jsonb_array_elements_text(i.tags::jsonb)) AS tags, i.weight,
                   ARRAY(SELECT jsonb_array_elements_text(i.limit_keys::jsonb)) AS limit_keys
            FROM unnest(@tenants, @types, @tags, @weights, @limit_keys) AS i(tenant, type, tags, weight, limit_keys)
        )
        """;

    // Existing lanes: found and marked used in one statement. Rows are locked in id order first, so two nodes
    // marking overlapping sets of lanes wait for each other instead of deadlocking.
    private const string MarkSql = InputSql + """
        , locked AS (
            SELECT l.id FROM __schema__.lanes l
            JOIN input i ON l.tenant = i.tenant AND l.type = i.type AND l.tags = i.tags AND l.weight = i.weight AND l.limit_keys = i.limit_keys
            ORDER BY l.id
            FOR NO KEY UPDATE OF l
        )
        UPDATE __schema__.lanes l SET last_used_at = now()
        FROM locked WHERE l.id = locked.id
        RETURNING l.id, l.tenant, l.type, l.tags, l.weight, l.limit_keys
        """;

    private const string InsertSql = InputSql + """
        INSERT INTO __schema__.lanes (tenant, type, tags, weight, limit_keys)
        SELECT tenant, type, tags, weight, limit_keys FROM input
        ON CONFLICT (tenant, type, tags, weight, limit_keys) DO NOTHING
        RETURNING id, tenant, type, tags, weight, limit_keys
        """;

    private const string CountSql = "SELECT tenant, count(*) FROM __schema__.lanes WHERE tenant = ANY(@tenants) GROUP BY tenant";

    private const string ByIdSql = "SELECT id, tenant, type, tags, weight, limit_keys FROM __schema__.lanes WHERE id = @id";

    // An id's age is the time since this node last marked its lane used: only the mark and insert statements set it.
    private readonly BoundedCache<LaneKey, long> _ids = new(capacity);
    private readonly BoundedCache<long, Lane> _lanes = new(capacity);
    private readonly string _markSql = sql.Format(MarkSql);
    private readonly string _insertSql = sql.Format(InsertSql);
    private readonly string _countSql = sql.Format(CountSql);
    private readonly string _byIdSql = sql.Format(ByIdSql);

    /// <summary>Lane ids remembered right now (for tests of the bound).</summary>
    internal int Remembered => _ids.Count;

    /// <summary>The id of each key's lane, creating the lanes that do not exist yet.</summary>
    /// <exception cref="WorcrError">RESOURCE_EXHAUSTED: a new lane would pass its tenant's <see cref="LaneBounds.MaxLanesPerTenant"/>.</exception>
    public async Task<IReadOnlyDictionary<LaneKey, long>> ResolveAsync(IEnumerable<LaneKey> keys, CancellationToken ct)
    {
        var ids = new Dictionary<LaneKey, long>();
        foreach (var key in keys)
        {
            if (!ids.ContainsKey(key) && _ids.TryGet(key, LaneBounds.MarkInterval, out var id)) ids[key] = id;
        }
        var missing = keys.Where(k => !ids.ContainsKey(k)).Distinct().ToArray();
        // A lane inserted by a concurrent, not yet visible transaction is skipped by ON CONFLICT and missed by the
        // mark (same snapshot); the next round sees it committed.
        for (var round = 0; missing.Length > 0; round++)
        {
            if (round == 5) throw new InvalidOperationException("Could not resolve lane ids after 5 rounds.");
            foreach (var lane in await RunAsync(_markSql, missing, ct)) ids[KeyOf(lane)] = lane.Id;
            missing = missing.Where(k => !ids.ContainsKey(k)).ToArray();
            if (missing.Length == 0) break;
            await RequireRoomAsync(missing, ct);
            foreach (var lane in await RunAsync(_insertSql, missing, ct)) ids[KeyOf(lane)] = lane.Id;
            missing = missing.Where(k => !ids.ContainsKey(k)).ToArray();
        }
        return ids;
    }

    public async Task<Lane?> GetAsync(long laneId, CancellationToken ct)
    {
        if (_lanes.TryGet(laneId, out var lane)) return lane;
        await using var command = dataSource.CreateCommand(_byIdSql);
        command.With("id", laneId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        // Remembered by id only: reading a lane does not mark it used, so it must not make its id look freshly marked.
        lane = ReadLane(reader);
        _lanes.Set(lane.Id, lane);
        return lane;
    }

    /// <summary>Refuses new lanes that would take a tenant past its cap (checked before the insert: nodes creating lanes at the same instant may pass it by their batch).</summary>
    private async Task RequireRoomAsync(IReadOnlyList<LaneKey> fresh, CancellationToken ct)
    {
        var adding = fresh.GroupBy(k => k.Tenant, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(_countSql);
        command.WithArray("tenants", NpgsqlDbType.Text, adding.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var existing = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) existing[reader.GetString(0)] = reader.GetInt64(1);
        var cap = bounds.MaxLanesPerTenant;
        foreach (var (tenant, count) in adding)
        {
            var now = existing.GetValueOrDefault(tenant);
            if (now + count > cap) throw CapReached(tenant, now, cap);
        }
    }

    private static WorcrError CapReached(string tenant, long existing, int cap) => WorcrError.ResourceExhausted(
        $"tenant '{tenant}' has {existing} lanes and may have at most {cap} (MaxLanesPerTenant, WORCR_MAX_LANES_PER_TENANT). " +
        "Every distinct type, tag set, weight and limit key set of a tenant's jobs is a lane of its own: use fewer distinct " +
        "weights and tags (a weight per job or a tag per id makes a lane per job). Lanes idle for IdleLaneRetention are deleted.");

    private async Task<IReadOnlyList<Lane>> RunAsync(string text, IReadOnlyList<LaneKey> keys, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(text);
        command.WithArray("tenants", NpgsqlDbType.Text, keys.Select(k => k.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, keys.Select(k => k.Type).ToArray())
            .WithArray("tags", NpgsqlDbType.Text, keys.Select(k => JsonSerializer.Serialize(k.Tags, PostgresJsonContext.Default.StringArray)).ToArray())
            .WithArray("weights", NpgsqlDbType.Double, keys.Select(k => k.Weight).ToArray())
            .WithArray("limit_keys", NpgsqlDbType.Text, keys.Select(k => JsonSerializer.Serialize(k.LimitKeys, PostgresJsonContext.Default.StringArray)).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lanes = new List<Lane>();
        while (await reader.ReadAsync(ct)) lanes.Add(Remember(ReadLane(reader)));
        return lanes;
    }

    /// <summary>A lane this node just marked used or inserted: its id may be handed to enqueues for <see cref="LaneBounds.MarkInterval"/>.</summary>
    private Lane Remember(Lane lane)
    {
        _lanes.Set(lane.Id, lane);
        _ids.Set(KeyOf(lane), lane.Id);
        return lane;
    }

    private static LaneKey KeyOf(Lane lane) => LaneKey.Of(lane.Tenant, lane.Type, lane.Tags, lane.Weight, lane.LimitKeys);

    private static Lane ReadLane(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetDouble(4))
        {
            LimitKeys = reader.GetFieldValue<string[]>(5),
        };
}
