using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Saves a checkpoint for the running attempt only, committed before returning (a worker may rely on it as soon as
/// it is acknowledged), and, given a holder, only while that holder holds its lease. FOR SHARE keeps the job from
/// finishing while the checkpoint is written.
/// </summary>
internal sealed class CheckpointWriter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    internal const string SaveSql = $"""
        INSERT INTO __schema__.job_checkpoints (job_id, name, value, attempt, updated_at)
        SELECT id, @name, @value, attempt, now()
        FROM __schema__.jobs
        WHERE id = @id AND attempt = @attempt AND state = {RunningAttemptSql.Running}
          AND (@worker_id::text IS NULL OR (worker_id = @worker_id AND node_id = @node_id))
        FOR SHARE
        ON CONFLICT (job_id, name) DO UPDATE
        SET value = EXCLUDED.value, attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at
        """;

    private readonly string _saveSql = sql.Format(SaveSql);

    public async Task<bool> SaveAsync(long jobId, int attempt, string name, string value, LeaseHolder? holder, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_saveSql)
            .With("id", jobId).With("attempt", attempt).With("name", name).With("value", value).WithHolder(holder);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
