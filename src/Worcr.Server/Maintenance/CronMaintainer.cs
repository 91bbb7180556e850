using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Caching;
using Worcr.Postgres;
using Worcr.Server.Hosting;

namespace Worcr.Server.Maintenance;

/// <summary>
/// The cron maintainer: fires the cron schedules whose next tick has come. Each fire is one transaction that enqueues the
/// tick's job and moves next_fire_at on with a compare-and-set, so a stale leader racing the new one cannot fire
/// a tick twice. Missed ticks (no leader for a while) collapse into one fire of the latest of them. The job goes through
/// the node's enqueue policy (<see cref="CronJobPolicy"/>), as the same job enqueued by a producer would.
/// </summary>
internal sealed class CronMaintainer : IMaintainer
{
    private const int BatchSize = 100;
    private const int TimingsKept = 10_000;
    private readonly CronStore _store;
    private readonly string _nodeId;
    private readonly Func<CronJobTemplate, CancellationToken, Task<Core.Jobs.NewJob>> _policy;
    private readonly ILogger _logger;
    // Parsed expressions; bounded because every edit of a schedule's expression adds one.
    private readonly BoundedCache<(string Expression, string Zone), CronTiming> _timings = new(TimingsKept);

    public CronMaintainer(CronStore store, IOptions<NodeIdentityOptions> identity, Func<CronJobTemplate, CancellationToken, Task<Core.Jobs.NewJob>> policy,
        ILogger<CronMaintainer> logger)
    {
        _store = store;
        _nodeId = identity.Value.NodeId;
        _policy = policy;
        _logger = logger;
    }

    public string Name => "cron";

    /// <summary>One pass; returns how many ticks this node fired (each enqueued one job).</summary>
    public async Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
    {
        var batch = await _store.DueAsync(BatchSize, ct);
        var fired = 0;
        foreach (var schedule in batch.Due)
        {
            if (await TryFireAsync(schedule, batch.Now, fencingToken, ct)) fired++;
        }
        return fired;
    }

    private async Task<bool> TryFireAsync(CronScheduleRecord schedule, DateTimeOffset now, long fencingToken, CancellationToken ct)
    {
        try
        {
            var expected = schedule.NextFireAt!.Value;
            if (TimingOf(schedule.Definition).LatestDue(expected, now) is not { } due) return false;
            if (due.Tick != expected) CronLog.CaughtUp(_logger, schedule.Name, expected, due.Tick);
            var outcome = await _store.FireAsync(new CronFire(schedule, expected, due.Tick, due.Next, _nodeId), _policy, ct);
            if (outcome.Fired) CronLog.Fired(_logger, schedule.Name, due.Tick, outcome.JobId, fencingToken);
            else CronLog.AlreadyFired(_logger, schedule.Name, due.Tick);
            return outcome.Fired;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            CronLog.FireFailed(_logger, schedule.Name, exception);
            await RecordFailureAsync(schedule, exception, ct);
            return false;
        }
    }

    /// <summary>Backs the schedule off (best effort: if PostgreSQL is what failed, the next pass simply tries again).</summary>
    private async Task RecordFailureAsync(CronScheduleRecord schedule, Exception failure, CancellationToken ct)
    {
        try
        {
            await _store.RecordFailureAsync(schedule.Name, schedule.NextFireAt!.Value, failure.Message, ct);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            CronLog.FailureNotRecorded(_logger, schedule.Name, exception);
        }
    }

    private CronTiming TimingOf(CronScheduleDefinition definition) =>
        _timings.GetOrAdd((definition.Expression, definition.TimeZone), key => CronTiming.Parse(key.Expression, key.Zone));
}
