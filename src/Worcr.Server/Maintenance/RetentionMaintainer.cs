using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Maintenance;

/// <summary>
/// Bounded growth, run by the leader every <see cref="RetentionOptions.RetentionInterval"/> (at the next pass again
/// while a batch came back full). Finished jobs leave with their day partition of job_history once the whole day is
/// past the state's longest retention: the partition's checkpoints, progress and logs are deleted in batches, then
/// the partition is dropped. Rows that must go sooner (shorter tenant or type settings) or that sit in a default
/// partition are deleted in batches. Then finished webhook events, idle lanes and old rule versions. Partitions are
/// created <see cref="RetentionOptions.HistoryDaysAhead"/> days ahead. Adding and dropping partitions wait only
/// briefly for their locks (a long reader of job_history would otherwise queue reads and completions behind them); a
/// change that gave way is not "behind": partition changes pause until <see cref="RetentionOptions.RetentionInterval"/>
/// has passed, while the rest of each pass goes on. Every decision reads the injected clock, held back to
/// PostgreSQL's when it runs ahead of it.
/// </summary>
internal sealed class RetentionMaintainer : IMaintainer
{
    /// <summary>Lanes per statement: deleting one checks the jobs table for references, so batches stay small.</summary>
    private const int LaneBatch = 100;

    private readonly RetentionStore _store;
    private readonly RetentionOptions _options;
    private readonly IReadOnlyList<HistoryRetention> _history;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // Per partition being emptied: the last job id whose reports are deleted (a new leader starts over, harmlessly).
    private readonly Dictionary<string, long> _clearedUpTo = new(StringComparer.Ordinal);
    private DateOnly? _partitionsReadyThrough;
    // Both waits are wall deadlines, so a clock stepped back an hour does not add the hour to them.
    private WallDeadline? _nextPass;
    // After a partition change gave way to another session's lock: no partition is added or dropped before it is due.
    private WallDeadline? _partitionChangesPaused;
    private bool _behind;

    public RetentionMaintainer(RetentionStore store, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionMaintainer> logger)
    {
        _store = store;
        _options = options.Value;
        _history = _options.History();
        _time = time;
        _logger = logger;
    }

    public string Name => "retention";

    /// <returns>0: retention makes nothing ready to dispatch.</returns>
    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        if (!_behind && _nextPass is { } next && !next.IsDue(_time.GetUtcNow())) return 0;
        await RunPassAsync(ct);
        return 0;
    }

    /// <summary>One pass now, whatever the interval says.</summary>
    public async Task<RetentionPass> RunPassAsync(CancellationToken ct)
    {
        _nextPass = WallDeadline.After(_time.GetUtcNow(), _options.RetentionInterval);
        var now = await NowAsync(ct);
        var (added, dropped, partitionsBehind, gaveWayAt) = await ChangePartitionsAsync(now, ct);
        var batch = _options.RetentionBatchSize;
        var rows = 0;
        var rowsBehind = false;
        foreach (var retention in _history)
        {
            var deleted = await _store.DeleteExpiredHistoryRowsAsync(retention, now, batch, ct);
            rows += deleted;
            rowsBehind |= deleted >= batch;
        }
        var webhooks = await _store.DeleteFinishedWebhooksAsync(now - _options.WebhookRetention, batch, ct);
        var lanes = await _store.DeleteIdleLanesAsync(now - _options.IdleLaneRetention, Math.Min(batch, LaneBatch), ct);
        var versions = await _store.DeleteOldRuleVersionsAsync(_options.RuleVersionsKept + 1, batch, ct);
        _behind = partitionsBehind || rowsBehind || webhooks >= batch || lanes >= Math.Min(batch, LaneBatch) || versions >= batch;
        var pass = new RetentionPass(added, dropped, rows, webhooks, lanes, versions, _behind, gaveWayAt?.Name);
        if (pass.DidAnything) MaintenanceLog.RetentionPass(_logger, dropped, rows, webhooks, lanes, versions, added, _behind);
        return pass;
    }

    /// <summary>
    /// The injected clock, but never ahead of PostgreSQL's, which stamped every row retention judges (finished_at,
    /// last_used_at). A leader whose clock ran days ahead deleted finished jobs days before their retention, and
    /// deleted lanes that nodes still enqueue into: a job put in such a lane is never dispatched (no dispatcher can
    /// read its lane) and holds its unique key until someone cancels it. A clock behind only keeps things longer. Tests still run a
    /// month of retention with a clock set in the past.
    /// </summary>
    private async Task<DateTimeOffset> NowAsync(CancellationToken ct)
    {
        var own = _time.GetUtcNow();
        var database = await _store.DatabaseNowAsync(ct);
        return own < database ? own : database;
    }

    /// <summary>
    /// Adds and drops day partitions, unless a change gave way to a lock less than an interval ago. The first change
    /// that gives way ends this part of the pass (the next would wait for the same reader) and pauses it for an interval.
    /// The pause is a span of the node's own clock (as the interval between passes is), not of the retention time
    /// <paramref name="now"/>, which stands still while the node's clock runs ahead of PostgreSQL's.
    /// </summary>
    private async Task<(int Added, int Dropped, bool Behind, HistoryPartition? GaveWayAt)> ChangePartitionsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var clock = _time.GetUtcNow();
        if (_partitionChangesPaused is { } pause && !pause.IsDue(clock)) return (0, 0, false, null);
        var (added, addGaveWayAt) = await AddPartitionsAsync(now, ct);
        var (dropped, behind, dropGaveWayAt) = addGaveWayAt is null ? await DropPartitionsAsync(now, ct) : (0, false, null);
        var gaveWayAt = addGaveWayAt ?? dropGaveWayAt;
        if (gaveWayAt is not null)
        {
            _partitionChangesPaused = WallDeadline.After(clock, _options.RetentionInterval);
            MaintenanceLog.PartitionChangeGaveWay(_logger, addGaveWayAt is null ? "drop" : "add", gaveWayAt.Name, _options.RetentionInterval);
        }
        return (added, dropped, behind, gaveWayAt);
    }

    /// <summary>Today's partitions and the next days', once per day (each call checks they exist, so a lost day is made up).</summary>
    private async Task<(int Added, HistoryPartition? GaveWayAt)> AddPartitionsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var last = today.AddDays(_options.HistoryDaysAhead);
        if (_partitionsReadyThrough == last) return (0, null);
        var added = await _store.AddHistoryPartitionsAsync(today, last, ct);
        if (added.GaveWayAt is null) _partitionsReadyThrough = last;
        return (added.Count, added.GaveWayAt);
    }

    /// <summary>
    /// Empties and drops the day partitions wholly past their state's longest retention, one batch of reports per
    /// partition. Behind while a batch of reports came back full; a drop that gave way to a lock ends the drops.
    /// </summary>
    private async Task<(int Dropped, bool Behind, HistoryPartition? GaveWayAt)> DropPartitionsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var (dropped, behind) = (0, false);
        foreach (var retention in _history)
        {
            var horizon = now - retention.Longest;
            foreach (var partition in await _store.ListHistoryPartitionsAsync(retention.State, ct))
            {
                if (partition.End > horizon) break;
                var (jobs, lastId) = await _store.ClearPartitionReportsAsync(partition, _clearedUpTo.GetValueOrDefault(partition.Name), _options.RetentionBatchSize, ct);
                _clearedUpTo[partition.Name] = lastId;
                if (jobs >= _options.RetentionBatchSize)
                {
                    behind = true;
                    continue;
                }
                if (!await _store.DropHistoryPartitionAsync(partition, ct)) return (dropped, behind, partition);
                _clearedUpTo.Remove(partition.Name);
                dropped++;
            }
        }
        return (dropped, behind, null);
    }
}
