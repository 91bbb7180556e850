using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Reads one job, live or finished, with its checkpoints and progress, in one round trip.</summary>
internal sealed class JobReader(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string JobSql = """
        SELECT j.id, j.tenant, j.type, l.tags, j.args::text, j.state, j.attempt, j.failures, j.max_attempts, j.weight,
               j.enqueued_at, j.run_at, j.expires_at, NULL::timestamptz, j.unique_key, j.last_error, NULL::text, j.worker_id, j.node_id
        FROM __schema__.jobs j JOIN __schema__.lanes l ON l.id = j.lane_id WHERE j.id = @id
        UNION ALL
        SELECT h.id, h.tenant, h.type, l.tags, h.args::text, h.state, h.attempt, h.failures, h.max_attempts, h.weight,
               h.enqueued_at, h.run_at, h.expires_at, h.finished_at, h.unique_key, h.last_error, h.result, h.worker_id, h.node_id
        FROM __schema__.job_history h JOIN __schema__.lanes l ON l.id = h.lane_id WHERE h.id = @id
        LIMIT 1
        """;

    private const string CheckpointsSql = "SELECT name, value FROM __schema__.job_checkpoints WHERE job_id = @id ORDER BY name";

    private const string ProgressSql = "SELECT name, current, total, text, updated_at FROM __schema__.job_progress WHERE job_id = @id ORDER BY name";

    private readonly string _jobSql = sql.Format(JobSql);
    private readonly string _checkpointsSql = sql.Format(CheckpointsSql);
    private readonly string _progressSql = sql.Format(ProgressSql);

    public async Task<JobRecord?> GetAsync(long jobId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        foreach (var text in new[] { _jobSql, _checkpointsSql, _progressSql })
        {
            var command = new NpgsqlBatchCommand(text);
            command.Parameters.AddWithValue("id", jobId);
            batch.BatchCommands.Add(command);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var job = await reader.ReadAsync(ct) ? ReadJob(reader) : null;
        await reader.NextResultAsync(ct);
        var checkpoints = new Dictionary<string, string>();
        while (await reader.ReadAsync(ct)) checkpoints[reader.GetString(0)] = reader.GetString(1);
        await reader.NextResultAsync(ct);
        var progress = new List<ProgressRecord>();
        while (await reader.ReadAsync(ct))
        {
            progress.Add(new ProgressRecord(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetStringOrNull(3), reader.GetTime(4)));
        }
        return job is null ? null : job with { Checkpoints = checkpoints, Progress = progress };
    }

    private static JobRecord ReadJob(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetFieldValue<string[]>(3), r.GetString(4), JobStates.Parse(r.GetString(5)),
        r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetDouble(9), r.GetTime(10), r.GetTime(11), r.GetTimeOrNull(12),
        r.GetTimeOrNull(13), r.GetStringOrNull(14), r.GetStringOrNull(15), r.GetStringOrNull(16), r.GetStringOrNull(17),
        r.GetStringOrNull(18), new Dictionary<string, string>(), []);
}
