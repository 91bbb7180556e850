using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// An operator retries a failed job now instead of at its backoff time: it becomes waiting at once, keeping its
/// failure count (it is the same retry, only earlier), and the dispatchers hear of it by the usual NOTIFY.
/// </summary>
internal sealed class FailedJobRetrier(NpgsqlDataSource dataSource, SchemaSql sql, LaneNotifier notifier)
{
    private const string RetrySql = """
        UPDATE __schema__.jobs SET state = 'waiting', run_at = now() WHERE id = @id AND state = 'failed' RETURNING lane_id
        """;

    private readonly string _retrySql = sql.Format(RetrySql);

    /// <summary>True when the job was failed and is now waiting.</summary>
    public async Task<bool> RetryNowAsync(long jobId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        long? lane;
        await using (var command = new NpgsqlCommand(_retrySql, connection).With("id", jobId))
        {
            lane = await command.ExecuteScalarAsync(ct) is long id ? id : null;
        }
        if (lane is { } laneId) await notifier.NotifyAsync(connection, [laneId], ct);
        await transaction.CommitAsync(ct);
        return lane is not null;
    }
}
