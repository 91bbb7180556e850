using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// A worker hands a job back without failing it: ready again now, or scheduled after a delay. An accepted yield whose
/// COMMIT gets no answer is thrown as unconfirmed, with its transaction's id (<see cref="CommitConfirmation"/>).
/// </summary>
internal sealed class JobYielder(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier)
{
    internal const string YieldSql = $"""
        UPDATE __schema__.jobs
        SET state = CASE WHEN @delay > interval '0' THEN 'scheduled' ELSE 'waiting' END,
            run_at = now() + @delay, lease_expires_at = NULL
        WHERE id = @id AND attempt = @attempt AND state = {RunningAttemptSql.Running}
          AND (@worker_id::text IS NULL OR (worker_id = @worker_id AND node_id = @node_id))
        RETURNING lane_id, state, {CommitConfirmation.TransactionIdSql}
        """;

    private readonly string _yieldSql = sql.Format(YieldSql);

    public async Task<bool> YieldAsync(long jobId, int attempt, TimeSpan delay, LeaseHolder? holder, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long? waitingLane = null;
        string? transactionId = null;
        await using (var command = new NpgsqlCommand(_yieldSql, connection).With("id", jobId).With("attempt", attempt).With("delay", delay).WithHolder(holder))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                transactionId = reader.GetString(2);
                if (reader.GetString(1) == "waiting") waitingLane = reader.GetInt64(0);
            }
        }
        if (waitingLane is { } lane) await notifier.NotifyAsync(connection, [lane], ct);
        if (transactionId is null)
        {
            await transaction.CommitAsync(ct);
            return false;
        }
        await CommitConfirmation.CommitAsync(transaction, transactionId, true, ct);
        return true;
    }
}
