using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// Running jobs whose worker is gone (its stream broke, or its lease expired): each counts a failure and goes back
/// to waiting, or to history as dead when its failure budget is spent (then with its job.dead webhook events). An expired lease does not prove the worker
/// stopped (its node may have lost PostgreSQL for longer than a lease), so a cancel of that attempt is announced
/// to the node that held it, in the same transaction, before any other worker can claim the next attempt.
/// </summary>
internal sealed class LostJobRequeuer(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier, string cancelChannel)
{
    // Bounds one reaper pass; the next pass takes the rest.
    private const int ReapBatch = 1_000;

    private static readonly string ReleaseWorkerSql = RequeueSql("worker_id = @worker_id AND node_id = @node_id");

    // A stream's own attempts only: another stream of the same worker id (here or elsewhere) holds other attempts.
    private static readonly string ReleaseAttemptsSql = RequeueSql(
        "worker_id = @worker_id AND node_id = @node_id AND (id, attempt) IN (SELECT * FROM unnest(@ids, @attempts))");

    private static readonly string ExpiredLeasesSql = RequeueSql($"lease_expires_at < now() ORDER BY lease_expires_at LIMIT {ReapBatch}");

    private readonly string _releaseWorkerSql = sql.Format(ReleaseWorkerSql);
    private readonly string _expiredLeasesSql = sql.Format(ExpiredLeasesSql);
    private readonly string _releaseAttemptsSql = sql.Format(ReleaseAttemptsSql);

    public Task<IReadOnlyList<JobStateRecord>> ReleaseWorkerAsync(string workerId, string nodeId, string reason, CancellationToken ct) =>
        RunAsync(_releaseWorkerSql, reason, command => command.With("worker_id", workerId).With("node_id", nodeId), announceCancel: false, ct);

    public Task<IReadOnlyList<JobStateRecord>> ReleaseAttemptsAsync(LeaseHolder holder, IReadOnlyList<(long JobId, int Attempt)> attempts, string reason,
        CancellationToken ct) =>
        attempts.Count == 0
            ? Task.FromResult<IReadOnlyList<JobStateRecord>>([])
            : RunAsync(_releaseAttemptsSql, reason, command => command.WithHolder(holder)
                .WithArray("ids", NpgsqlDbType.Bigint, attempts.Select(a => a.JobId).ToArray())
                .WithArray("attempts", NpgsqlDbType.Integer, attempts.Select(a => a.Attempt).ToArray()), announceCancel: false, ct);

    public Task<IReadOnlyList<JobStateRecord>> RequeueExpiredLeasesAsync(CancellationToken ct) =>
        RunAsync(_expiredLeasesSql, "lease expired", _ => { }, announceCancel: true, ct);

    // SKIP LOCKED: a row locked right now is being completed or failed by its worker; leave it to that.
    private static string RequeueSql(string condition) => $"""
        WITH lost AS (
            SELECT id, node_id, (failures + 1 >= max_attempts) AS dead
            FROM __schema__.jobs
            WHERE state = 'running' AND {condition}
            FOR UPDATE SKIP LOCKED
        ), requeued AS (
            UPDATE __schema__.jobs j
            SET state = 'waiting', failures = j.failures + 1, last_error = @reason, lease_expires_at = NULL
            FROM lost l WHERE j.id = l.id AND NOT l.dead
            RETURNING j.id, j.lane_id, j.tenant, j.attempt, j.type
        ), gone AS (
            DELETE FROM __schema__.jobs j USING lost l WHERE j.id = l.id AND l.dead RETURNING j.*
        ), buried AS (
            {HistorySql.InsertFrom("gone", "dead", failures: "failures + 1", lastError: "@reason")}
            RETURNING {WebhookOutboxSql.HistoryColumns}
        ), webhooks AS (
            {WebhookOutboxSql.InsertFrom("buried")}
        )
        SELECT r.id, r.lane_id, r.tenant, 'waiting', r.attempt, r.type, l.node_id FROM requeued r JOIN lost l USING (id)
        UNION ALL
        SELECT b.id, NULL, b.tenant, 'dead', b.attempt, b.type, l.node_id FROM buried b JOIN lost l USING (id)
        """;

    private async Task<IReadOnlyList<JobStateRecord>> RunAsync(string query, string reason, Action<NpgsqlCommand> bind, bool announceCancel,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var changes = new List<JobStateRecord>();
        var waitingLanes = new List<long>();
        var cancels = new List<CancelPayload>();
        await using (var command = new NpgsqlCommand(query, connection).With("reason", reason))
        {
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                changes.Add(new JobStateRecord(reader.GetInt64(0), reader.GetString(2), JobStates.Parse(reader.GetString(3)), reader.GetInt32(4), reason, reader.GetString(5)));
                if (!reader.IsDBNull(1)) waitingLanes.Add(reader.GetInt64(1));
                if (announceCancel && !reader.IsDBNull(6)) cancels.Add(new CancelPayload(reader.GetInt64(0), reader.GetInt32(4), reader.GetString(6)));
            }
        }
        // Delivered on commit, like the jobs notification: the old worker hears it as soon as another can claim.
        if (cancels.Count > 0)
        {
            await using var notify = new NpgsqlCommand("SELECT count(pg_notify(@channel, p)) FROM unnest(@payloads) AS p", connection)
                .With("channel", cancelChannel).With("payloads", cancels.Select(c => c.Format()).ToArray());
            await notify.ExecuteNonQueryAsync(ct);
        }
        await notifier.NotifyAsync(connection, waitingLanes, ct);
        await transaction.CommitAsync(ct);
        return changes;
    }
}
