using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>Job log lines: appended in batches, read back as the latest lines in the order they were written.</summary>
internal sealed class LogStore(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string AppendSql = """
        INSERT INTO __schema__.job_logs (job_id, attempt, level, text, at)
        SELECT * FROM unnest(@job_ids, @attempts, @levels, @texts, @ats)
        """;

    private const string TailSql = """
        SELECT job_id, attempt, level, text, at FROM (
            SELECT id, job_id, attempt, level, text, at FROM __schema__.job_logs
            WHERE job_id = @job_id ORDER BY id DESC LIMIT @limit
        ) tail
        ORDER BY id
        """;

    private readonly string _appendSql = sql.Format(AppendSql);
    private readonly string _tailSql = sql.Format(TailSql);

    public async Task AppendAsync(IReadOnlyList<LogEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        await using var command = dataSource.CreateCommand(_appendSql)
            .WithArray("job_ids", NpgsqlDbType.Bigint, entries.Select(e => e.JobId).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, entries.Select(e => e.Attempt).ToArray())
            .WithArray("levels", NpgsqlDbType.Text, entries.Select(e => e.Level).ToArray())
            .WithArray("texts", NpgsqlDbType.Text, entries.Select(e => e.Text).ToArray())
            .WithArray("ats", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.UtcDateTime).ToArray());
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<LogEntry>> ReadAsync(long jobId, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_tailSql).With("job_id", jobId).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<LogEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new LogEntry(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4)));
        }
        return entries;
    }
}
