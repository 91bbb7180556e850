using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>The current state of many jobs, live or finished, in one round trip (for watchers' first and catch-up reads).</summary>
internal sealed class JobStatesReader(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string StatesSql = """
        SELECT id, tenant, state, attempt, last_error FROM __schema__.jobs WHERE id = ANY(@ids)
        UNION ALL
        SELECT id, tenant, state, attempt, last_error FROM __schema__.job_history WHERE id = ANY(@ids)
        """;

    private readonly string _statesSql = sql.Format(StatesSql);

    public async Task<IReadOnlyList<JobStateRecord>> ReadAsync(IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        await using var command = dataSource.CreateCommand(_statesSql).WithArray("ids", NpgsqlDbType.Bigint, ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await ReadRecordsAsync(reader, ct);
    }

    /// <summary>Reads rows of (id, tenant, state, attempt, last_error) and, when the query returns it, type.</summary>
    public static async Task<IReadOnlyList<JobStateRecord>> ReadRecordsAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        var records = new List<JobStateRecord>();
        while (await reader.ReadAsync(ct))
        {
            records.Add(new JobStateRecord(reader.GetInt64(0), reader.GetString(1), JobStates.Parse(reader.GetString(2)), reader.GetInt32(3), reader.GetStringOrNull(4),
                reader.FieldCount > 5 ? reader.GetString(5) : ""));
        }
        return records;
    }
}
