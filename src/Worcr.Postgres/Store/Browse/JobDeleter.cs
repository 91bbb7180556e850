using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Deletes a finished job with everything workers reported about it (checkpoints, progress, logs) in one
/// statement. Live jobs are left alone: they must be cancelled first, so a running worker is told to stop.
/// </summary>
internal sealed class JobDeleter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private static readonly string DeleteSql = $"""
        WITH gone AS (
            DELETE FROM __schema__.job_history WHERE id = @id RETURNING id
        ), {JobReportsSql.DeleteOf("gone")}
        SELECT EXISTS (SELECT 1 FROM gone), EXISTS (SELECT 1 FROM __schema__.jobs WHERE id = @id)
        """;

    private readonly string _deleteSql = sql.Format(DeleteSql);

    public async Task<DeleteOutcome> DeleteAsync(long jobId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_deleteSql).With("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (reader.GetBoolean(0)) return DeleteOutcome.Deleted;
        return reader.GetBoolean(1) ? DeleteOutcome.Live : DeleteOutcome.NotFound;
    }
}
