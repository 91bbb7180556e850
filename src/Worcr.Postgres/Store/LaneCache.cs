using System.Collections.Concurrent;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Lanes;

namespace Worcr.Postgres;

/// <summary>
/// Lanes never change once created, so their ids are cached for the life of the process. Lanes are upserted in
/// their own statement, outside the enqueue transaction, so a cached id always refers to a committed row.
/// </summary>
internal sealed class LaneCache(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string UpsertSql = """
        WITH input AS (
            SELECT i.tenant, i.type, ARRAY(SELECT jsonb_array_elements_text(i.tags::jsonb)) AS tags, i.weight,
                   ARRAY(SELECT jsonb_array_elements_text(i.limit_keys::jsonb)) AS limit_keys
            FROM unnest(@tenants, @types, @tags, @weights, @limit_keys) AS i(tenant, type, tags, weight, limit_keys)
        ), added AS (
            INSERT INTO __schema__.lanes (tenant, type, tags, weight, limit_keys)
            SELECT tenant, type, tags, weight, limit_keys FROM input
            ON CONFLICT (tenant, type, tags, weight, limit_keys) DO NOTHING
            RETURNING id, tenant, type, tags, weight, limit_keys
        )
        SELECT id, tenant, type, tags, weight, limit_keys FROM added
        UNION ALL
        SELECT l.id, l.tenant, l.type, l.tags, l.weight, l.limit_keys
        FROM __schema__.lanes l JOIN input i USING (tenant, type, tags, weight, limit_keys)
        """;

    private const string ByIdSql = "SELECT id, tenant, type, tags, weight, limit_keys FROM __schema__.lanes WHERE id = @id";

    private readonly ConcurrentDictionary<LaneKey, long> _ids = new();
    private readonly ConcurrentDictionary<long, Lane> _lanes = new();
    private readonly string _upsertSql = sql.Format(UpsertSql);
    private readonly string _byIdSql = sql.Format(ByIdSql);

    public long IdOf(LaneKey key) => _ids[key];

    public async Task ResolveAsync(IEnumerable<LaneKey> keys, CancellationToken ct)
    {
        var missing = keys.Where(k => !_ids.ContainsKey(k)).Distinct().ToArray();
        // A lane inserted by a concurrent, not yet visible transaction is skipped by ON CONFLICT and missed by the
        // join (same snapshot); the next round sees it committed.
        for (var round = 0; missing.Length > 0; round++)
        {
            if (round == 5) throw new InvalidOperationException("Could not resolve lane ids after 5 rounds.");
            await UpsertAsync(missing, ct);
            missing = missing.Where(k => !_ids.ContainsKey(k)).ToArray();
        }
    }

    public async Task<Lane?> GetAsync(long laneId, CancellationToken ct)
    {
        if (_lanes.TryGetValue(laneId, out var lane)) return lane;
        await using var command = dataSource.CreateCommand(_byIdSql);
        command.With("id", laneId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Remember(ReadLane(reader)) : null;
    }

    private async Task UpsertAsync(IReadOnlyList<LaneKey> keys, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_upsertSql);
        command.WithArray("tenants", NpgsqlDbType.Text, keys.Select(k => k.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, keys.Select(k => k.Type).ToArray())
            .WithArray("tags", NpgsqlDbType.Text, keys.Select(k => JsonSerializer.Serialize(k.Tags)).ToArray())
            .WithArray("weights", NpgsqlDbType.Double, keys.Select(k => k.Weight).ToArray())
            .WithArray("limit_keys", NpgsqlDbType.Text, keys.Select(k => JsonSerializer.Serialize(k.LimitKeys)).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) Remember(ReadLane(reader));
    }

    private Lane Remember(Lane lane)
    {
        _lanes[lane.Id] = lane;
        _ids[LaneKey.Of(lane.Tenant, lane.Type, lane.Tags, lane.Weight, lane.LimitKeys)] = lane.Id;
        return lane;
    }

    private static Lane ReadLane(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3), reader.GetDouble(4))
        {
            LimitKeys = reader.GetFieldValue<string[]>(5),
        };
}
