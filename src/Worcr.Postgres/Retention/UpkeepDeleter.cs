using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Retention of what is not a job: finished webhook outbox rows (their delivery attempts go with them by cascade),
/// lanes nothing refers to that no node used for a while, and rule versions beyond the newest few of each rule.
/// Each call deletes one batch.
/// </summary>
internal sealed class UpkeepDeleter(NpgsqlDataSource dataSource, SchemaSql sql)
{
    private const string WebhooksSql = """
        WITH doomed AS (
            SELECT id FROM __schema__.webhook_outbox WHERE state <> 'pending' AND finished_at < @before
            ORDER BY finished_at LIMIT @batch
        )
        DELETE FROM __schema__.webhook_outbox o USING doomed d WHERE o.id = d.id
        """;

    // A lane with jobs or finished jobs is never idle: its jobs' tags live in it. SKIP LOCKED passes over a lane a
    // node is marking used right now.
    private const string LanesSql = """
        WITH doomed AS (
            SELECT l.id FROM __schema__.lanes l
            WHERE l.last_used_at < @before
              AND NOT EXISTS (SELECT 1 FROM __schema__.jobs j WHERE j.lane_id = l.id)
              AND NOT EXISTS (SELECT 1 FROM __schema__.job_history h WHERE h.lane_id = l.id)
            ORDER BY l.last_used_at LIMIT @batch
            FOR UPDATE SKIP LOCKED
        )
        DELETE FROM __schema__.lanes l USING doomed d WHERE l.id = d.id
        """;

    // rule_versions holds every saved version, the current one included. The current one is the newest (a save
    // numbers after the highest kept), and is never deleted even if it were not: a rule saved before its numbering
    // went on after a deletion may be live under a lower number than versions an earlier life of its name left.
    private const string RuleVersionsSql = """
        WITH ranked AS (
            SELECT name, version, row_number() OVER (PARTITION BY name ORDER BY version DESC) AS newest
            FROM __schema__.rule_versions
        ), doomed AS (
            SELECT k.name, k.version FROM ranked k
            WHERE k.newest > @keep
              AND NOT EXISTS (SELECT 1 FROM __schema__.rules r WHERE r.name = k.name AND r.version = k.version)
            LIMIT @batch
        )
        DELETE FROM __schema__.rule_versions v USING doomed d WHERE v.name = d.name AND v.version = d.version
        """;

    private readonly string _webhooksSql = sql.Format(WebhooksSql);
    private readonly string _lanesSql = sql.Format(LanesSql);
    private readonly string _ruleVersionsSql = sql.Format(RuleVersionsSql);

    /// <summary>Delivered and given-up outbox rows finished before <paramref name="before"/>.</summary>
    public Task<int> DeleteWebhooksAsync(DateTimeOffset before, int batch, CancellationToken ct) => RunAsync(_webhooksSql, before, batch, ct);

    /// <summary>Lanes without jobs (live or finished) that no node marked used since <paramref name="before"/>.</summary>
    public Task<int> DeleteIdleLanesAsync(DateTimeOffset before, int batch, CancellationToken ct) => RunAsync(_lanesSql, before, batch, ct);

    /// <summary>Every version of a rule but its newest <paramref name="keep"/> and the current one (normally the newest).</summary>
    public async Task<int> DeleteOldRuleVersionsAsync(int keep, int batch, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_ruleVersionsSql).With("keep", keep).With("batch", batch);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<int> RunAsync(string text, DateTimeOffset before, int batch, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(text).With("before", NpgsqlDbType.TimestampTz, before.UtcDateTime).With("batch", batch);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
