using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Finds the job an enqueue duplicates: a live one, or (with a unique window) a recent finished one.</summary>
internal sealed class UniqueKeyLookup(SchemaSql sql)
{
    // A live holder wins over a finished one, as it would without a window.
    private const string WithinWindowSql = """
        SELECT DISTINCT ON (i.ord) i.ord, f.id, f.state
        FROM unnest(@tenants, @types, @keys, @windows) WITH ORDINALITY AS i(tenant, type, unique_key, win, ord)
        JOIN LATERAL (
            SELECT j.id, j.state, 0 AS rank FROM __schema__.jobs j
            WHERE j.tenant = i.tenant AND j.type = i.type AND j.unique_key = i.unique_key
            UNION ALL
            SELECT h.id, h.state, 1 AS rank FROM __schema__.job_history h
            WHERE h.tenant = i.tenant AND h.type = i.type AND h.unique_key = i.unique_key AND h.enqueued_at > now() - i.win
        ) f ON true
        ORDER BY i.ord, f.rank, f.id DESC
        """;

    // Live jobs first: after a conflict the live holder is usually there; history covers one that just finished.
    private const string HolderSql = """
        SELECT tenant, type, unique_key, id, state FROM (
            SELECT j.tenant, j.type, j.unique_key, j.id, j.state, 0 AS rank
            FROM __schema__.jobs j JOIN unnest(@tenants, @types, @keys) AS i(tenant, type, unique_key)
              ON j.tenant = i.tenant AND j.type = i.type AND j.unique_key = i.unique_key
            UNION ALL
            SELECT h.tenant, h.type, h.unique_key, h.id, h.state, 1 AS rank
            FROM __schema__.job_history h JOIN unnest(@tenants, @types, @keys) AS i(tenant, type, unique_key)
              ON h.tenant = i.tenant AND h.type = i.type AND h.unique_key = i.unique_key
        ) found
        ORDER BY rank, id DESC
        """;

    private readonly string _withinWindowSql = sql.Format(WithinWindowSql);
    private readonly string _holderSql = sql.Format(HolderSql);

    /// <summary>For jobs with a unique window: the live job, or else the finished one within the window, each duplicates (by index).</summary>
    public async Task<Dictionary<int, EnqueuedJob>> FindWithinWindowAsync(NpgsqlConnection connection, IReadOnlyList<PreparedJob> jobs, CancellationToken ct)
    {
        var windowed = jobs.Where(j => j.Unique is not null && j.Job.UniqueWindow is not null).ToArray();
        var found = new Dictionary<int, EnqueuedJob>();
        if (windowed.Length == 0) return found;
        await using var command = new NpgsqlCommand(_withinWindowSql, connection);
        AddKeys(command, windowed.Select(j => j.Unique!.Value).ToArray());
        command.WithArray("windows", NpgsqlDbType.Interval, windowed.Select(j => j.Job.UniqueWindow!.Value).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var job = windowed[(int)reader.GetInt64(0) - 1];
            found[job.Index] = new EnqueuedJob(reader.GetInt64(1), Duplicate: true, JobStates.Parse(reader.GetString(2)));
        }
        return found;
    }

    /// <summary>The current holder of each key (the job that made an insert conflict).</summary>
    public async Task<Dictionary<UniqueKey, EnqueuedJob>> FindHoldersAsync(NpgsqlConnection connection, IReadOnlyCollection<UniqueKey> keys, CancellationToken ct)
    {
        var holders = new Dictionary<UniqueKey, EnqueuedJob>();
        if (keys.Count == 0) return holders;
        await using var command = new NpgsqlCommand(_holderSql, connection);
        AddKeys(command, keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = new UniqueKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            holders.TryAdd(key, new EnqueuedJob(reader.GetInt64(3), Duplicate: true, JobStates.Parse(reader.GetString(4))));
        }
        return holders;
    }

    private static void AddKeys(NpgsqlCommand command, UniqueKey[] keys) =>
        command.WithArray("tenants", NpgsqlDbType.Text, keys.Select(k => k.Tenant).ToArray())
            .WithArray("types", NpgsqlDbType.Text, keys.Select(k => k.Type).ToArray())
            .WithArray("keys", NpgsqlDbType.Text, keys.Select(k => k.Key).ToArray());
}
