using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// One job for its page, in one round trip: the row (live or finished), progress, checkpoints, the newest
/// <see cref="MaxLogLines"/> log lines (oldest first) and how many lines are not shown.
/// </summary>
internal sealed class JobDetailReader(NpgsqlDataSource dataSource, SchemaSql sql)
{
    public const int MaxLogLines = 500;

    private const string JobSql = """
        SELECT j.id, j.tenant, j.type, l.tags, j.state, j.attempt, j.max_attempts, j.enqueued_at, j.run_at, NULL::timestamptz,
               j.worker_id, j.last_error, j.args::text, NULL::text, j.expires_at, j.unique_key, j.failures, j.node_id
        FROM __schema__.jobs j JOIN __schema__.lanes l ON l.id = j.lane_id WHERE j.id = @id
        UNION ALL
        SELECT j.id, j.tenant, j.type, l.tags, j.state, j.attempt, j.max_attempts, j.enqueued_at, j.run_at, j.finished_at,
               j.worker_id, j.last_error, j.args::text, j.result, j.expires_at, j.unique_key, j.failures, j.node_id
        FROM __schema__.job_history j JOIN __schema__.lanes l ON l.id = j.lane_id WHERE j.id = @id
        LIMIT 1
        """;

    private const string ProgressSql = "SELECT name, current, total, text, updated_at FROM __schema__.job_progress WHERE job_id = @id ORDER BY name";

    private const string CheckpointsSql = "SELECT name, value, attempt, updated_at FROM __schema__.job_checkpoints WHERE job_id = @id ORDER BY name";

    private const string LogsSql = """
        SELECT id, attempt, level, text, at FROM (
            SELECT id, attempt, level, text, at FROM __schema__.job_logs WHERE job_id = @id AND dropped IS NULL ORDER BY id DESC LIMIT @lines
        ) tail ORDER BY id
        """;

    // Lines the bound already dropped (the note row) plus stored lines older than the ones shown.
    private const string HiddenSql = """
        SELECT coalesce((SELECT dropped FROM __schema__.job_logs WHERE job_id = @id AND dropped IS NOT NULL), 0)
             + greatest(0, (SELECT count(*) FROM __schema__.job_logs WHERE job_id = @id AND dropped IS NULL) - @lines)
        """;

    private readonly string[] _queries = [sql.Format(JobSql), sql.Format(ProgressSql), sql.Format(CheckpointsSql), sql.Format(LogsSql), sql.Format(HiddenSql)];

    public async Task<JobDetailRecord?> GetAsync(long jobId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var text in _queries)
        {
            var command = new NpgsqlBatchCommand(text);
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("lines", (long)MaxLogLines);
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var summary = JobLister.ReadSummary(reader);
        var (args, result, expires, uniqueKey, failures, nodeId) = (reader.GetString(12), reader.GetStringOrNull(13), reader.GetTimeOrNull(14),
            reader.GetStringOrNull(15), reader.GetInt32(16), reader.GetStringOrNull(17));
        await reader.NextResultAsync(ct);
        var progress = new List<ProgressRecord>();
        while (await reader.ReadAsync(ct))
        {
            progress.Add(new ProgressRecord(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetStringOrNull(3), reader.GetTime(4)));
        }
        await reader.NextResultAsync(ct);
        var checkpoints = new List<JobCheckpointRecord>();
        while (await reader.ReadAsync(ct)) checkpoints.Add(new JobCheckpointRecord(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetTime(3)));
        await reader.NextResultAsync(ct);
        var logs = new List<JobLogLine>();
        while (await reader.ReadAsync(ct)) logs.Add(new JobLogLine(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3), reader.GetTime(4)));
        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        var hidden = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
        return new JobDetailRecord(summary with { Progress = progress }, args, result, expires, uniqueKey, failures, nodeId, checkpoints, logs, hidden);
    }
}
