using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// An operator retries a dead, expired or cancelled job: it moves back from history to waiting with its failure
/// count reset. Its attempt number keeps counting, so fencing still tells the runs apart; expires_at is cleared
/// because an expired job would otherwise expire again at once.
/// </summary>
internal sealed class JobRetrier(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier, JobStateLookup states)
{
    private const string RetrySql = """
        WITH gone AS (
            DELETE FROM __schema__.job_history WHERE id = @id AND state IN ('dead', 'expired', 'cancelled') RETURNING *
        ), back AS (
            INSERT INTO __schema__.jobs (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight,
                                         enqueued_at, run_at, expires_at, unique_key, last_error, worker_id, node_id, traceparent)
            SELECT id, lane_id, tenant, type, args, 'waiting', attempt, 0, max_attempts, weight,
                   enqueued_at, now(), NULL, unique_key, last_error, worker_id, node_id, traceparent
            FROM gone
            ON CONFLICT (tenant, type, unique_key) WHERE unique_key IS NOT NULL DO NOTHING
            RETURNING lane_id, tenant, attempt
        )
        SELECT (SELECT count(*) FROM gone), back.lane_id, back.tenant, back.attempt FROM (SELECT 1) one LEFT JOIN back ON true
        """;

    private readonly string _retrySql = sql.Format(RetrySql);

    /// <returns>What the retry did; null when the job does not exist.</returns>
    public async Task<RetryOutcome?> RetryAsync(long jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (removed, back) = await MoveBackAsync(connection, jobId, ct);
        if (back is { } moved)
        {
            await notifier.NotifyAsync(connection, [moved.LaneId], ct);
            await transaction.CommitAsync(ct);
            return new RetryOutcome(true, JobState.Waiting, moved.Tenant, moved.Attempt);
        }
        // Not retryable here, or a live job now holds its unique key: leave it where it was.
        if (removed) await transaction.RollbackAsync(ct);
        else await transaction.CommitAsync(ct);
        return await states.GetAsync(jobId, ct) is { } state ? new RetryOutcome(false, state) : null;
    }

    private async Task<(bool Removed, (long LaneId, string Tenant, int Attempt)? Back)> MoveBackAsync(NpgsqlConnection connection, long jobId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_retrySql, connection).With("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var removed = reader.GetInt64(0) > 0;
        return (removed, reader.IsDBNull(1) ? null : (reader.GetInt64(1), reader.GetString(2), reader.GetInt32(3)));
    }
}
