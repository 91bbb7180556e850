using Microsoft.Extensions.Logging;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Dispatch;

namespace Worcr.Server.Admin;

/// <summary>
/// One overview per node, shared by every caller and stream: it is read again at most every
/// <see cref="MaxAge"/>, by one caller at a time, however many browsers watch. A failed read keeps the previous
/// snapshot for the streams (GET /api/overview reports the failure when there is none).
/// </summary>
internal sealed class OverviewSnapshots
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(2);
    private static readonly JobState[] States = Enum.GetValues<JobState>();
    private readonly JobStore _store;
    private readonly Redis.PresenceRegistry _presence;
    private readonly Dispatch.Dispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OverviewHistory _history = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private OverviewView? _latest;
    private long _latestAt;

    public OverviewSnapshots(JobStore store, Redis.PresenceRegistry presence, Dispatch.Dispatcher dispatcher, TimeProvider time, ILogger<OverviewSnapshots> logger)
    {
        _store = store;
        _presence = presence;
        _dispatcher = dispatcher;
        _logger = logger;
        _time = time;
    }

    public async Task<OverviewView> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh) return fresh;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } refreshed) return refreshed;
            var view = await ReadAsync(cancellationToken);
            (_latest, _latestAt) = (view, _time.GetTimestamp());
            return view;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private OverviewView? Fresh()
    {
        var latest = Volatile.Read(ref _latest);
        return latest is not null && _time.GetElapsedTime(Volatile.Read(ref _latestAt)) < MaxAge ? latest : null;
    }

    private async Task<OverviewView> ReadAsync(CancellationToken cancellationToken)
    {
        var first = OverviewHistory.FirstBucket(_time.GetUtcNow());
        var since = _history.SinceBucket(first);
        var counts = await _store.Browser.ReadOverviewAsync(OverviewHistory.StepSeconds, first, since, cancellationToken);
        _history.Apply(counts, since);
        var (workers, nodes) = await CountPresenceAsync(cancellationToken);
        var finished = _history.FinishedInWindow();
        return new OverviewView(
            counts.Now,
            States.ToDictionary(s => s.ToName(), s => s.IsFinal() ? finished.GetValueOrDefault(s) : counts.Live.GetValueOrDefault(s)),
            counts.Tenants.Select(t => new TenantBacklogView(t.Tenant, t.Waiting, t.Running)).ToList(),
            counts.Lanes.Select(l => new LaneBacklogView(l.Lane.Id, l.Lane.Tenant, l.Lane.Type, l.Lane.Tags, l.Waiting)).ToList(),
            workers,
            nodes,
            new SeriesView(OverviewHistory.StepSeconds, _history.Series(counts)));
    }

    /// <summary>Workers and nodes of the whole installation; this node's own when Redis cannot be read.</summary>
    private async Task<(int Workers, int Nodes)> CountPresenceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var workers = await _presence.ListAsync("worker", cancellationToken);
            var nodes = await _presence.ListAsync("node", cancellationToken);
            var local = _dispatcher.Sessions.Select(s => s.WorkerId);
            return (workers.Select(w => w.Id).Union(local, StringComparer.Ordinal).Count(), Math.Max(1, nodes.Count));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            AdminDataLog.PresenceUnreadable(_logger, exception);
            return (_dispatcher.Sessions.Count(), 1);
        }
    }
}
