using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Cancels an unfinished job (it moves to history, and its job.cancelled webhook events are written with it). A running job's worker is told through a NOTIFY on the
/// cancel channel naming the node that holds it; a late Complete from that worker is then rejected by fencing.
/// </summary>
internal sealed class JobCanceller(NpgsqlDataSource dataSource, SchemaSql sql, string cancelChannel)
{
    private static readonly string CancelSql = $"""
        WITH gone AS (
            DELETE FROM __schema__.jobs WHERE id = @id RETURNING *
        ), moved AS (
            {HistorySql.InsertFrom("gone", "cancelled", lastError: "@reason")}
            RETURNING {WebhookOutboxSql.HistoryColumns}
        ), webhooks AS (
            {WebhookOutboxSql.InsertFrom("moved")}
        )
        SELECT state, worker_id, node_id, attempt, tenant, type FROM gone
        """;

    private const string FinishedSql = "SELECT state, worker_id, node_id, attempt, tenant, type FROM __schema__.job_history WHERE id = @id";

    private readonly string _cancelSql = sql.Format(CancelSql);
    private readonly string _finishedSql = sql.Format(FinishedSql);

    public async Task<CancelOutcome> CancelAsync(long jobId, string reason, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var cancelled = await ReadAsync(connection, _cancelSql, jobId, reason, ct);
        if (cancelled is { State: JobState.Running, NodeId: { } nodeId })
        {
            await LaneNotifier.SendAsync(connection, cancelChannel, new CancelPayload(jobId, cancelled.Attempt, nodeId).Format(), ct);
        }
        await transaction.CommitAsync(ct);
        if (cancelled is not null) return cancelled with { Cancelled = true };
        return await ReadAsync(connection, _finishedSql, jobId, reason, ct) ?? new CancelOutcome(false, false, JobState.Cancelled, null, null, 0);
    }

    /// <summary>The job's state before this call (Found, not yet marked Cancelled).</summary>
    private static async Task<CancelOutcome?> ReadAsync(NpgsqlConnection connection, string query, long jobId, string reason, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(query, connection).With("id", jobId).With("reason", reason);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CancelOutcome(true, false, JobStates.Parse(reader.GetString(0)), reader.GetStringOrNull(1), reader.GetStringOrNull(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5));
    }
}
