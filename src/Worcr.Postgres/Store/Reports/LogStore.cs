using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Job log lines: appended in batches, read back as the latest lines in the order they were written. A bounded
/// append keeps each job's newest lines and counts the older ones in a single note row, read back first.
/// </summary>
internal sealed class LogStore(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string AppendSql = """
        INSERT INTO __schema__.job_logs (job_id, attempt, level, text, at)
        SELECT * FROM unnest(@job_ids, @attempts, @levels, @texts, @ats)
        """;

    // The note row is newer than the lines it counts but stands for older ones: it sorts before every line.
    private const string TailSql = """
        SELECT job_id, attempt, level, text, at FROM (
            SELECT id, job_id, attempt, level, text, at, dropped IS NULL AS line FROM __schema__.job_logs
            WHERE job_id = @job_id ORDER BY line DESC, id DESC LIMIT @limit
        ) tail
        ORDER BY line, id
        """;

    // Runs after the append in the same transaction, so the new lines are ranked too.
    private const string TrimSql = """
        WITH input AS (
            SELECT * FROM unnest(@job_ids, @skipped, @attempts) AS i(job_id, skipped, attempt)
        ), ranked AS (
            SELECT l.id, l.job_id, row_number() OVER (PARTITION BY l.job_id ORDER BY l.id DESC) AS rn
            FROM __schema__.job_logs l JOIN input i ON i.job_id = l.job_id
            WHERE l.dropped IS NULL
        ), gone AS (
            DELETE FROM __schema__.job_logs l USING ranked r WHERE l.id = r.id AND r.rn > @max RETURNING l.job_id
        ), counts AS (
            SELECT i.job_id, i.attempt, i.skipped + (SELECT count(*) FROM gone g WHERE g.job_id = i.job_id) AS n FROM input i
        )
        INSERT INTO __schema__.job_logs (job_id, attempt, level, text, at, dropped)
        SELECT job_id, attempt, 'warn', format('… %s lines dropped', n), now(), n FROM counts WHERE n > 0
        ON CONFLICT (job_id) WHERE dropped IS NOT NULL DO UPDATE
        SET dropped = job_logs.dropped + EXCLUDED.dropped, attempt = EXCLUDED.attempt, at = EXCLUDED.at,
            text = format('… %s lines dropped', job_logs.dropped + EXCLUDED.dropped)
        """;

    private readonly string _appendSql = sql.Format(AppendSql);
    private readonly string _tailSql = sql.Format(TailSql);
    private readonly string _trimSql = sql.Format(TrimSql);

    public async Task AppendAsync(IReadOnlyList<LogEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return;
        await using var command = AppendCommand(dataSource.CreateCommand(_appendSql), entries);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Appends, then keeps each job's newest <paramref name="maxLinesPerJob"/> lines; what is dropped is counted in
    /// the job's note. Lines beyond the bound within this batch are never written. Returns the lines written.
    /// </summary>
    public async Task<IReadOnlyList<LogEntry>> AppendBoundedAsync(IReadOnlyList<LogEntry> entries, int maxLinesPerJob, CancellationToken ct)
    {
        if (entries.Count == 0) return [];
        var (kept, jobs) = LogBatchBound.Apply(entries, maxLinesPerJob);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var append = AppendCommand(new NpgsqlCommand(_appendSql, connection), kept)) await append.ExecuteNonQueryAsync(ct);
        await using (var trim = new NpgsqlCommand(_trimSql, connection)
            .WithArray("job_ids", NpgsqlDbType.Bigint, jobs.Select(j => j.JobId).ToArray())
            .WithArray("skipped", NpgsqlDbType.Bigint, jobs.Select(j => (long)j.Skipped).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, jobs.Select(j => j.Attempt).ToArray())
            .With("max", (long)maxLinesPerJob))
        {
            await trim.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return kept;
    }

    private static NpgsqlCommand AppendCommand(NpgsqlCommand command, IReadOnlyList<LogEntry> entries) =>
        command
            .WithArray("job_ids", NpgsqlDbType.Bigint, entries.Select(e => e.JobId).ToArray())
            .WithArray("attempts", NpgsqlDbType.Integer, entries.Select(e => e.Attempt).ToArray())
            .WithArray("levels", NpgsqlDbType.Text, entries.Select(e => e.Level).ToArray())
            .WithArray("texts", NpgsqlDbType.Text, entries.Select(e => e.Text).ToArray())
            .WithArray("ats", NpgsqlDbType.TimestampTz, entries.Select(e => e.At.UtcDateTime).ToArray());

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
