using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// What the leader's retention calls (docs/storage.md, Retention). Time is always an argument, the caller's clock,
/// so tests run a month of retention in moments. Every call does one bounded batch.
/// </summary>
public sealed class RetentionStore
{
    private const string ClockSql = "SELECT now()";

    private readonly NpgsqlDataSource _dataSource;
    private readonly HistoryPartitions _partitions;
    private readonly HistoryRowDeleter _rows;
    private readonly UpkeepDeleter _upkeep;

    internal RetentionStore(NpgsqlDataSource dataSource, SchemaSql sql)
    {
        _dataSource = dataSource;
        _partitions = new HistoryPartitions(dataSource, sql);
        _rows = new HistoryRowDeleter(dataSource, sql);
        _upkeep = new UpkeepDeleter(dataSource, sql);
    }

    /// <summary>PostgreSQL's clock: the one that stamped every row retention deletes (finished_at, last_used_at, ...).</summary>
    public async Task<DateTimeOffset> DatabaseNowAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(ClockSql);
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync(ct))!, DateTimeKind.Utc));
    }

    /// <summary>
    /// Creates the day partitions of every state from <paramref name="first"/> to <paramref name="last"/> (UTC days)
    /// that do not exist; stops early, without an error, when job_history stays locked by another session.
    /// </summary>
    public Task<HistoryPartitionsAdded> AddHistoryPartitionsAsync(DateOnly first, DateOnly last, CancellationToken ct = default) => _partitions.AddAsync(first, last, ct);

    /// <summary>The day partitions of one state, oldest first.</summary>
    public Task<IReadOnlyList<HistoryPartition>> ListHistoryPartitionsAsync(string state, CancellationToken ct = default) => _partitions.ListAsync(state, ct);

    /// <summary>Deletes the checkpoints, progress and logs of a batch of the partition's jobs (ids above <paramref name="afterId"/>).</summary>
    public Task<(int Jobs, long LastId)> ClearPartitionReportsAsync(HistoryPartition partition, long afterId, int batch, CancellationToken ct = default) =>
        _partitions.ClearReportsAsync(partition, afterId, batch, ct);

    /// <summary>Drops a day partition (call once its reports are cleared); false when it could not get the lock in time (not an error: try again later).</summary>
    public Task<bool> DropHistoryPartitionAsync(HistoryPartition partition, CancellationToken ct = default) => _partitions.DropAsync(partition, ct);

    /// <summary>Deletes a batch of the state's rows past retention that their partition's drop would not take in time.</summary>
    public async Task<int> DeleteExpiredHistoryRowsAsync(HistoryRetention retention, DateTimeOffset now, int batch, CancellationToken ct = default)
    {
        var fromDefault = await _rows.DeleteFromDefaultAsync(retention, now, batch, ct);
        return fromDefault + await _rows.DeleteShorterLivedAsync(retention, now, batch, ct);
    }

    /// <inheritdoc cref="UpkeepDeleter.DeleteWebhooksAsync"/>
    public Task<int> DeleteFinishedWebhooksAsync(DateTimeOffset before, int batch, CancellationToken ct = default) => _upkeep.DeleteWebhooksAsync(before, batch, ct);

    /// <inheritdoc cref="UpkeepDeleter.DeleteIdleLanesAsync"/>
    public Task<int> DeleteIdleLanesAsync(DateTimeOffset before, int batch, CancellationToken ct = default) => _upkeep.DeleteIdleLanesAsync(before, batch, ct);

    /// <inheritdoc cref="UpkeepDeleter.DeleteOldRuleVersionsAsync"/>
    public Task<int> DeleteOldRuleVersionsAsync(int keep, int batch, CancellationToken ct = default) => _upkeep.DeleteOldRuleVersionsAsync(keep, batch, ct);
}
