using Npgsql;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;

namespace Worcr.Postgres;

/// <summary>
/// Records a failed attempt as the lifecycle decided it: the job waits for its retry, or is dead. The running row
/// is locked first, the decision is taken on its failure budget, then applied, all in one transaction, so the
/// lease reaper cannot count the same failure in between. The webhook event (job.failed or job.dead) is written by
/// the same statement that applies the decision. No retry policy lives in this SQL. An accepted failure whose COMMIT
/// gets no answer is thrown as unconfirmed, with its transaction's id (<see cref="CommitConfirmation"/>).
/// </summary>
internal sealed class JobFailer(NpgsqlDataSource dataSource, SchemaSql sql, JobStateLookup states)
{
    internal const string LockSql = $"""
        SELECT failures, max_attempts, {CommitConfirmation.TransactionIdSql} FROM __schema__.jobs
        WHERE id = @id AND attempt = @attempt AND state = {RunningAttemptSql.Running}
          AND (@worker_id::text IS NULL OR (worker_id = @worker_id AND node_id = @node_id))
        FOR UPDATE
        """;

    private static readonly string RetrySql = $"""
        WITH failed AS (
            UPDATE __schema__.jobs
            SET state = 'failed', failures = failures + 1, last_error = @error, run_at = now() + @delay, lease_expires_at = NULL
            WHERE id = @id
            RETURNING run_at, {WebhookOutboxSql.JobColumns}
        ), webhooks AS (
            {WebhookOutboxSql.InsertFrom("failed")}
        )
        SELECT run_at FROM failed
        """;

    private static readonly string DeadSql = $"""
        WITH gone AS (
            DELETE FROM __schema__.jobs WHERE id = @id RETURNING *
        ), moved AS (
            {HistorySql.InsertFrom("gone", "dead", failures: "failures + 1", lastError: "@error")}
            RETURNING {WebhookOutboxSql.HistoryColumns}
        )
        {WebhookOutboxSql.InsertFrom("moved")}
        """;

    private readonly string _lockSql = sql.Format(LockSql);
    private readonly string _retrySql = sql.Format(RetrySql);
    private readonly string _deadSql = sql.Format(DeadSql);

    public async Task<FailOutcome> FailAsync(JobFailure failure, Func<FailureBudget, FailDecision> decide, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await LockAsync(connection, failure, ct) is not var (budget, transactionId))
        {
            await transaction.CommitAsync(ct);
            var state = await states.GetAsync(failure.JobId, ct) ?? throw new KeyNotFoundException($"Job {failure.JobId} does not exist.");
            return new FailOutcome(false, state, null);
        }
        var decision = decide(budget);
        var outcome = decision.RetryDelay is { } delay
            ? new FailOutcome(true, JobState.Failed, await RetryAsync(connection, failure, delay, ct))
            : await BuryAsync(connection, failure, ct);
        await CommitConfirmation.CommitAsync(transaction, transactionId, outcome, ct);
        return outcome;
    }

    /// <summary>The running attempt's budget and the transaction's id; null when the attempt no longer runs.</summary>
    private async Task<(FailureBudget Budget, string TransactionId)?> LockAsync(NpgsqlConnection connection, JobFailure failure, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_lockSql, connection).With("id", failure.JobId).With("attempt", failure.Attempt)
            .WithHolder(failure.Holder);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (new FailureBudget(reader.GetInt32(0), reader.GetInt32(1)), reader.GetString(2)) : null;
    }

    private async Task<DateTimeOffset> RetryAsync(NpgsqlConnection connection, JobFailure failure, TimeSpan delay, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_retrySql, connection).With("id", failure.JobId).With("error", failure.Error).With("delay", delay);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return reader.GetTime(0);
    }

    private async Task<FailOutcome> BuryAsync(NpgsqlConnection connection, JobFailure failure, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_deadSql, connection).With("id", failure.JobId).With("error", failure.Error);
        await command.ExecuteNonQueryAsync(ct);
        return new FailOutcome(true, JobState.Dead, null);
    }
}
