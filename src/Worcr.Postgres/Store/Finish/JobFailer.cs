using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Records a failed attempt: the job waits for its retry, or is dead when out of budget or not retryable.</summary>
internal sealed class JobFailer(NpgsqlDataSource dataSource, SchemaSql sql, JobStateLookup states)
{
    private static readonly string FailSql = $"""
        WITH target AS (
            SELECT id, failures + 1 AS failures, (NOT @retryable OR failures + 1 >= max_attempts) AS dead
            FROM __schema__.jobs
            WHERE id = @id AND attempt = @attempt AND state = 'running'
            FOR UPDATE
        ), retried AS (
            UPDATE __schema__.jobs j
            SET state = 'failed', failures = c.failures, last_error = @error, run_at = now() + @delay, lease_expires_at = NULL
            FROM target c WHERE j.id = c.id AND NOT c.dead
            RETURNING j.state, j.run_at
        ), gone AS (
            DELETE FROM __schema__.jobs j USING target c WHERE j.id = c.id AND c.dead RETURNING j.*
        ), buried AS (
            {HistorySql.InsertFrom("gone", "dead", failures: "failures + 1", lastError: "@error")}
            RETURNING state
        )
        SELECT state, run_at FROM retried
        UNION ALL
        SELECT state, NULL FROM buried
        """;

    private readonly string _failSql = sql.Format(FailSql);

    public async Task<FailOutcome> FailAsync(long jobId, int attempt, string error, bool retryable, TimeSpan retryDelay, CancellationToken ct)
    {
        await using (var command = dataSource.CreateCommand(_failSql)
            .With("id", jobId).With("attempt", attempt).With("error", error).With("retryable", retryable).With("delay", retryDelay))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct)) return new FailOutcome(true, JobStates.Parse(reader.GetString(0)), reader.GetTimeOrNull(1));
        }
        var state = await states.GetAsync(jobId, ct) ?? throw new KeyNotFoundException($"Job {jobId} does not exist.");
        return new FailOutcome(false, state, null);
    }
}
