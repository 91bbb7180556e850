using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres;

/// <summary>
/// An operator retries a failed job now instead of at its backoff time: it becomes waiting at once, keeping its
/// failure count (it is the same retry, only earlier), and the dispatchers hear of it by the usual NOTIFY.
/// </summary>
internal sealed class FailedJobRetrier(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier, JobStateLookup states)
{
    private const string RetrySql = """
        UPDATE __schema__.jobs SET state = 'waiting', run_at = now() WHERE id = @id AND state = 'failed' RETURNING lane_id, tenant, attempt
        """;

    private readonly string _retrySql = sql.Format(RetrySql);

    /// <returns>Retried when the job was failed and is now waiting; otherwise where it is; null when it does not exist.</returns>
    public async Task<RetryOutcome?> RetryNowAsync(long jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        (long Lane, string Tenant, int Attempt)? moved = null;
        await using (var command = new NpgsqlCommand(_retrySql, connection).With("id", jobId))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct)) moved = (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2));
        }
        if (moved is { } back) await notifier.NotifyAsync(connection, [back.Lane], ct);
        await transaction.CommitAsync(ct);
        if (moved is { } done) return new RetryOutcome(true, JobState.Waiting, done.Tenant, done.Attempt);
        return await states.GetAsync(jobId, ct) is { } state ? new RetryOutcome(false, state) : null;
    }
}
