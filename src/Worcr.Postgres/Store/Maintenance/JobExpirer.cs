using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>Jobs not running at their expires_at (never started, or waiting for a retry) move to history as expired, with their job.expired webhook events.</summary>
internal sealed class JobExpirer(NpgsqlDataSource dataSource, SchemaSql sql)
{
    internal static readonly string ExpireSql = $"""
        WITH due AS (
            SELECT id FROM __schema__.jobs
            WHERE state IN ('waiting', 'scheduled', 'failed') AND expires_at <= now()
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
        ), gone AS (
            DELETE FROM __schema__.jobs j USING due WHERE j.id = due.id RETURNING j.*
        ), moved AS (
            {HistorySql.InsertFrom("gone", "expired", lastError: LastError)}
            RETURNING {WebhookOutboxSql.HistoryColumns}
        ), webhooks AS (
            {WebhookOutboxSql.InsertFrom("moved")}
        )
        SELECT id, tenant, state, attempt, last_error, type FROM moved
        """;

    /// <summary>
    /// What an expired job's last_error says. A job that ran before (waiting for its retry, or requeued after its
    /// worker was lost) keeps the error of that attempt: it is the one an operator needs, and "before it started"
    /// would be false.
    /// </summary>
    private const string LastError =
        "CASE WHEN gone.last_error IS NOT NULL THEN gone.last_error WHEN gone.attempt > 0 THEN 'expired before its next attempt' ELSE 'expired before it started' END";

    private readonly string _expireSql = sql.Format(ExpireSql);

    /// <summary>Expires up to <paramref name="limit"/> jobs; returns each one as it is now (expired).</summary>
    public async Task<IReadOnlyList<JobStateRecord>> ExpireAsync(int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_expireSql).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await JobStatesReader.ReadRecordsAsync(reader, ct);
    }
}
