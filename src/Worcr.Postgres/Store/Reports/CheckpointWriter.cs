using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Saves a checkpoint for the running attempt only, committed before returning (a worker may rely on it as soon as
/// it is acknowledged). FOR SHARE keeps the job from finishing while the checkpoint is written.
/// </summary>
internal sealed class CheckpointWriter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string SaveSql = """
        INSERT INTO __schema__.job_checkpoints (job_id, name, value, attempt, updated_at)
        SELECT id, @name, @value, attempt, now()
        FROM __schema__.jobs
        WHERE id = @id AND attempt = @attempt AND state = 'running'
        FOR SHARE
        ON CONFLICT (job_id, name) DO UPDATE
        SET value = EXCLUDED.value, attempt = EXCLUDED.attempt, updated_at = EXCLUDED.updated_at
        """;

    private readonly string _saveSql = sql.Format(SaveSql);

    public async Task<bool> SaveAsync(long jobId, int attempt, string name, string value, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_saveSql)
            .With("id", jobId).With("attempt", attempt).With("name", name).With("value", value);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }
}
