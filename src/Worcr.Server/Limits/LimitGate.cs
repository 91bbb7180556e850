using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Postgres;
using Worcr.Redis.Limits;
using Worcr.Server.Telemetry;
using Worcr.Server.Workers;

namespace Worcr.Server.Limits;

/// <summary>
/// Job limits at dispatch. Before a claim, each job limit on the lane's keys is asked for up to the wanted number
/// of permits; the smallest grant is what the dispatcher claims. After the claim the unused permits go back and
/// concurrency placeholders become the claimed job ids. A lane granted nothing gets a retry time, and the dispatch
/// round parks it until then. A lane's keys are those its jobs were enqueued with and those tenant, type and tag
/// limits make for it now (<see cref="LimitSet.KeysOf(Lane)"/>); lanes without keys never touch Redis.
/// </summary>
internal sealed class LimitGate
{
    /// <summary>A freed permit is published to every node; this is only the fallback should that message be missed.</summary>
    private static readonly TimeSpan ConcurrencyRecheck = TimeSpan.FromSeconds(2);

    /// <summary>How long a lane waits after Redis could not be asked: its limits cannot be checked, so it does not run.</summary>
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);

    private readonly RedisLimiter? _limiter;
    private readonly Func<LimitSet> _limits;
    private readonly TimeSpan _lease;
    private readonly ILogger _logger;
    private readonly HeldPermits _held = new();
    private readonly SemaphoreSlim _rebuilding = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string WorkerId, long JobId, int Attempt), byte> _unheldOnce = new();
    private long _placeholders;
    private int _rebuildNeeded;

    /// <summary>The definitions the gate last granted under, to see when concurrency limits were added or changed.</summary>
    private LimitSet _granting = LimitSet.Empty;
    private readonly Lock _noting = new();

    public LimitGate(RedisLimiter? limiter, Func<LimitSet> limits, TimeSpan lease, ILogger logger)
    {
        _limiter = limiter;
        _limits = limits;
        _lease = lease;
        _logger = logger;
    }

    /// <summary>A new gate with no limits at all (no Redis needed).</summary>
    public static LimitGate Unlimited => new(null, () => LimitSet.Empty, TimeSpan.FromSeconds(30), NullLogger.Instance);

    /// <summary>The node's metrics: Redis round trips of the acquire, and denials (set by the node).</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; init; }

    /// <summary>
    /// Reads every running attempt with limit keys from PostgreSQL, to rebuild the concurrency holders after Redis
    /// lost them; null (tests, no database) leaves them to the heartbeats.
    /// </summary>
    public Func<CancellationToken, Task<IReadOnlyList<RunningAttempt>>>? RunningAttempts { get; init; }

    /// <summary>Whether the connection to Redis is up right now (null: assume it is).</summary>
    public Func<bool>? RedisConnected { get; init; }

    /// <summary>Called when a parked lane may run again (the dispatcher's wake).</summary>
    public Action Wake { get; set; } = () => { };

    /// <summary>The lanes the dispatcher parked; a freed permit or new definitions unpark them (set by the dispatcher).</summary>
    public LaneParking Parking { get; set; } = new();

    public async Task<LanePermits> AcquireAsync(Lane lane, int asked, CancellationToken cancellationToken)
    {
        var limits = _limits();
        if (!ReferenceEquals(limits, Volatile.Read(ref _granting))) NoteLimits(limits);
        var counters = CountersOf(limits, lane);
        if (counters.Count == 0) return new LanePermits(LimitDecision.All(asked), []);
        var grants = new List<CounterGrant>(counters.Count);
        try
        {
            if (counters.Any(c => c.Kind == LimitKind.Concurrency))
            {
                // A command sent while the connection is down waits and runs once it is back, maybe on an empty
                // Redis before the connection events arrive: ask nothing until the connection is up and rebuilt.
                if (RedisConnected?.Invoke() == false)
                {
                    RequireRebuild();
                    return LanePermits.Denied(FailureBackoff);
                }
                await EnsureHoldersRebuiltAsync(cancellationToken);
            }
            long granted = asked;
            foreach (var counter in counters)
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                var grant = await AcquireOneAsync(counter, granted, cancellationToken);
                Telemetry?.RedisCall("limit_acquire", started);
                grants.Add(grant);
                granted = Math.Min(granted, grant.Grant.Granted);
                if (granted > 0) continue;
                Telemetry?.LimitDenied(counter.Name);
                await KeepAsync(grants, 0, cancellationToken);
                return LanePermits.Denied(ParkingTime(grant));
            }
            await KeepAsync(grants, granted, cancellationToken);
            return new LanePermits(LimitDecision.All((int)granted), grants);
        }
        catch (Exception exception)
        {
            // Whether a later limit failed in Redis or the node is stopping, what the earlier ones granted goes back:
            // kept, it would stay taken while no job runs (a window's units until the window ends, maybe a day), and
            // a lane retried every second through a lasting failure would use up its window.
            await GiveBackAfterFailureAsync(grants);
            if (exception is OperationCanceledException) throw;
            LimitLog.AcquireFailed(_logger, lane.Id, exception);
            return LanePermits.Denied(FailureBackoff);
        }
    }

    /// <summary>Best effort: if Redis fails here too, concurrency placeholders lapse with their lease and window units with their window.</summary>
    private async Task GiveBackAfterFailureAsync(List<CounterGrant> grants)
    {
        if (grants.Count == 0) return;
        try
        {
            await KeepAsync(grants, 0, CancellationToken.None);
        }
        catch (Exception exception)
        {
            LimitLog.SettleFailed(_logger, exception);
        }
    }

    /// <summary>
    /// After the claim: unused permits go back, and concurrency permits now belong to the claimed jobs. Every claimed
    /// attempt is tracked, those of lanes without limits too: a concurrency limit defined while it runs counts it (the
    /// holders rebuild registers it), and its release and renewal must then cover that limit's key.
    /// </summary>
    public async Task SettleAsync(LanePermits permits, string workerId, IReadOnlyList<ClaimedJob> claimed, CancellationToken cancellationToken)
    {
        var concurrency = permits.Grants.Where(g => g.IsConcurrency).Select(g => g.Counter).ToArray();
        // Tracked first: should Redis fail below, the next heartbeat registers these permits again.
        foreach (var job in claimed) _held.Add(workerId, job.Id, job.Attempt, job.Lane, concurrency);
        if (permits.Grants.Count == 0) return;
        try
        {
            await KeepAsync(permits.Grants, claimed.Count, cancellationToken);
            var holders = claimed.Select(HolderOf).ToArray();
            foreach (var grant in permits.Grants.Where(g => g.IsConcurrency))
            {
                await _limiter!.SettleHoldersAsync(grant.Counter, grant.Placeholders.Take((int)grant.Kept).ToArray(), holders, _lease, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LimitLog.SettleFailed(_logger, exception);
        }
    }

    /// <summary>
    /// An attempt left its worker (finished, failed, yielded, cancelled or given back): its concurrency permits are
    /// freed. Permits are held per attempt, here as in Redis: a late release of an old attempt frees that attempt's
    /// permit, never the next one's.
    /// </summary>
    public Task ReleaseAsync(string workerId, long jobId, int attempt) =>
        AroundRelease is { } around ? around(jobId, attempt, () => ReleaseHeldAsync(workerId, jobId, attempt)) : ReleaseHeldAsync(workerId, jobId, attempt);

    /// <summary>
    /// Test seam, null in production: each release of an attempt's permits runs inside it (the job id, the attempt and
    /// the release itself), so a test can hold a release at a chosen point of a race and know when it is done.
    /// </summary>
    internal Func<long, int, Func<Task>, Task>? AroundRelease { get; set; }

    private async Task ReleaseHeldAsync(string workerId, long jobId, int attempt)
    {
        _unheldOnce.TryRemove((workerId, jobId, attempt), out _);
        if (_held.Remove(workerId, jobId, attempt) is not { } held) return;
        var counters = HeldCountersOf(held);
        if (counters.Count == 0) return;
        try
        {
            foreach (var counter in counters) await _limiter!.SettleHoldersAsync(counter, [HolderOf(jobId, attempt)], [], _lease);
        }
        catch (Exception exception)
        {
            LimitLog.SettleFailed(_logger, exception);
        }
        foreach (var counter in counters) OnReleased(counter.Key);
    }

    /// <summary>
    /// The worker's stream ended and its jobs went back to waiting: the permits of the jobs it held are freed. A claim
    /// for the worker may still be in flight: the job it settles now is not among these, and since the worker takes no
    /// more jobs, that claim gives the job back and frees its permit itself (so the worker is not forgotten as a whole).
    /// </summary>
    public async Task ReleaseWorkerAsync(string workerId)
    {
        foreach (var held in _held.Of(workerId)) await ReleaseAsync(workerId, held.JobId, held.Attempt);
    }

    /// <summary>
    /// On a heartbeat: the permits of the worker's running jobs are registered again (idempotent; after a Redis
    /// restart this restores them), and those of jobs it no longer holds (cancelled) are freed.
    /// </summary>
    public async Task RenewAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var jobs = _held.Of(session.WorkerId);
        if (jobs.Count == 0) return;
        // A job is tracked here just before it is handed to the worker's session, so one heartbeat can fall between
        // the two: a job not held is freed only when the previous heartbeat did not see it held either.
        var gone = new List<HeldAttempt>();
        foreach (var job in jobs)
        {
            var key = (session.WorkerId, job.JobId, job.Attempt);
            if (session.Holds(job.JobId, job.Attempt)) _unheldOnce.TryRemove(key, out _);
            else if (!_unheldOnce.TryAdd(key, 0)) gone.Add(job);
        }
        foreach (var job in gone)
        {
            _unheldOnce.TryRemove((session.WorkerId, job.JobId, job.Attempt), out _);
            await ReleaseAsync(session.WorkerId, job.JobId, job.Attempt);
        }
        var renewed = jobs.Except(gone).Select(job => (job.JobId, job.Attempt, Counters: HeldCountersOf(job))).Where(job => job.Counters.Count > 0).ToArray();
        if (renewed.Length > 0) await RenewHoldersAsync(session.WorkerId, renewed, cancellationToken);
    }

    /// <summary>
    /// The concurrency counters an attempt holds a slot in: those that granted it a permit at its claim, and those
    /// today's definitions give its lane. A limit defined, enabled or changed while the attempt ran made the holders
    /// rebuild register it under the limit's key, on whichever node rebuilt; this node, which holds the attempt, renews
    /// and releases that holder. A counter named twice (its capacity changed) is one holder set in Redis, kept once.
    /// </summary>
    private IReadOnlyList<LimitCounter> HeldCountersOf(HeldAttempt held)
    {
        var limits = _limits();
        // Every job's release comes here: without any concurrency job limit, nothing is looked up or allocated.
        if (limits.ConcurrencyJobLimits.Count == 0) return held.Granted;
        var today = CountersOf(limits, held.Lane).Where(c => c.Kind == LimitKind.Concurrency).ToArray();
        if (today.Length == 0) return held.Granted;
        return held.Granted.Concat(today).DistinctBy(c => (c.Key, c.Name)).ToArray();
    }

    /// <summary>
    /// Registers the holders of <paramref name="jobs"/> (the worker's jobs as they were a moment ago) again. A job
    /// released meanwhile may have had its holder removed before this put it back: the release forgets the job here
    /// first and then removes its holder, so a job no longer held once the holders are in is removed once more.
    /// Otherwise it would take a slot for a whole lease with nothing running.
    /// </summary>
    internal async Task RenewHoldersAsync(string workerId, IReadOnlyList<(long JobId, int Attempt, IReadOnlyList<LimitCounter> Counters)> jobs, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var byCounter in HoldersByCounter(jobs))
            {
                await _limiter!.SettleHoldersAsync(byCounter.Key, [], byCounter.ToArray(), _lease, cancellationToken);
            }
            var released = jobs.Where(job => !_held.Holds(workerId, job.JobId, job.Attempt)).ToArray();
            foreach (var byCounter in HoldersByCounter(released))
            {
                await _limiter!.SettleHoldersAsync(byCounter.Key, byCounter.ToArray(), [], _lease, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LimitLog.SettleFailed(_logger, exception);
        }
    }

    private static IEnumerable<IGrouping<LimitCounter, string>> HoldersByCounter(IEnumerable<(long JobId, int Attempt, IReadOnlyList<LimitCounter> Counters)> jobs) =>
        jobs.SelectMany(j => j.Counters.Select(c => (Counter: c, Holder: HolderOf(j.JobId, j.Attempt)))).GroupBy(r => r.Counter, r => r.Holder);

    /// <summary>
    /// No concurrency permit is granted again until the holders of every running attempt are registered again from
    /// PostgreSQL, under the keys today's definitions give them. Needed when the connection to Redis failed or came
    /// back (Redis may have restarted empty, and its concurrency counters would then admit a full capacity beside the
    /// jobs still running), and when a concurrency limit was added, enabled or changed (the jobs of its key already
    /// running hold no permit of it, and it would admit its capacity beside them).
    /// </summary>
    public void RequireRebuild() => Volatile.Write(ref _rebuildNeeded, 1);

    /// <summary>True until the holders were rebuilt after the last <see cref="RequireRebuild"/>.</summary>
    public bool RebuildPending => Volatile.Read(ref _rebuildNeeded) == 1;

    private async Task EnsureHoldersRebuiltAsync(CancellationToken cancellationToken)
    {
        if (!RebuildPending || RunningAttempts is null) return;
        await _rebuilding.WaitAsync(cancellationToken);
        try
        {
            // Cleared before reading: a failure or restore that happens during the rebuild asks for another one.
            if (Interlocked.Exchange(ref _rebuildNeeded, 0) == 0) return;
            try
            {
                await RebuildHoldersAsync(await RunningAttempts(cancellationToken), cancellationToken);
            }
            catch
            {
                RequireRebuild();
                throw;
            }
        }
        finally
        {
            _rebuilding.Release();
        }
    }

    private async Task RebuildHoldersAsync(IReadOnlyList<RunningAttempt> running, CancellationToken cancellationToken)
    {
        var limits = _limits();
        var holders = running
            .SelectMany(attempt => limits.KeysOf(attempt.Tenant, attempt.Type, attempt.Tags, attempt.LimitKeys)
                .SelectMany(key => limits.JobLimitsOn(key).Select(limit => limit.CounterFor(key)))
                .Where(counter => counter.Kind == LimitKind.Concurrency)
                .Select(counter => (Counter: counter, Holder: HolderOf(attempt.JobId, attempt.Attempt))))
            .GroupBy(h => h.Counter);
        var registered = new List<(LimitCounter Counter, string[] Holders)>();
        foreach (var byCounter in holders)
        {
            var ids = byCounter.Select(h => h.Holder).Distinct(StringComparer.Ordinal).ToArray();
            await _limiter!.SettleHoldersAsync(byCounter.Key, [], ids, _lease, cancellationToken);
            registered.Add((byCounter.Key, ids));
        }
        if (registered.Count > 0) await RemoveEndedAsync(registered, cancellationToken);
        LimitLog.HoldersRebuilt(_logger, running.Count, registered.Sum(r => r.Holders.Length));
    }

    /// <summary>
    /// An attempt that ended between the read of the running attempts and the registration of its holders was
    /// released (its holders removed, its end stored first) before the rebuild put them back, and nothing would
    /// remove them again: it took a slot for a whole lease with nothing running. Running attempts are read once more
    /// after the registration, and the holders of those that ended are removed. An attempt that ends later finds its
    /// holders registered, and its node's release removes them. A second read per rebuild, which is rare.
    /// </summary>
    private async Task RemoveEndedAsync(List<(LimitCounter Counter, string[] Holders)> registered, CancellationToken cancellationToken)
    {
        var stillRunning = (await RunningAttempts!(cancellationToken)).Select(a => HolderOf(a.JobId, a.Attempt)).ToHashSet(StringComparer.Ordinal);
        foreach (var (counter, ids) in registered)
        {
            var ended = ids.Where(id => !stillRunning.Contains(id)).ToArray();
            if (ended.Length > 0) await _limiter!.SettleHoldersAsync(counter, ended, [], _lease, cancellationToken);
        }
    }

    /// <summary>A concurrency permit on <paramref name="key"/> was freed (here or on another node).</summary>
    public void OnReleased(string key)
    {
        var limits = _limits();
        if (Parking.UnparkKey(key, limits.KeysOf)) Wake();
    }

    /// <summary>
    /// The definitions changed (every node hears of it: the limits NOTIFY makes each reload): every lane gets a fresh
    /// look, and a concurrency limit added, enabled or changed makes the holders be rebuilt before the next grant.
    /// </summary>
    public void OnLimitsChanged()
    {
        NoteLimits(_limits());
        Parking.Clear();
        Wake();
    }

    /// <summary>
    /// Requires the holders rebuild when <paramref name="limits"/> has a concurrency job limit the definitions granted
    /// under so far did not have as it is now. Also called by the acquire itself, should it see a new set before
    /// <see cref="OnLimitsChanged"/> ran. The rebuild reads every running attempt from PostgreSQL and registers its
    /// holders again (idempotent: a holder already there only has its lease renewed); that is one query and a few
    /// Redis calls per counter, paid only when concurrency definitions change, which is rare.
    /// </summary>
    private void NoteLimits(LimitSet limits)
    {
        // The rebuild is required before the set counts as noted: noted first, an acquire on the dispatch loop could
        // see it noted, find no rebuild pending and grant the new limit's capacity beside the running jobs.
        lock (_noting)
        {
            var previous = _granting;
            if (ReferenceEquals(previous, limits)) return;
            if (limits.ConcurrencyJobLimits.Except(previous.ConcurrencyJobLimits).Any()) RequireRebuild();
            Volatile.Write(ref _granting, limits);
        }
    }

    private static IReadOnlyList<LimitCounter> CountersOf(LimitSet limits, Lane lane)
    {
        var keys = limits.KeysOf(lane);
        if (keys.Count == 0) return [];
        var counters = new List<LimitCounter>();
        foreach (var key in keys)
        {
            foreach (var limit in limits.JobLimitsOn(key)) counters.Add(limit.CounterFor(key));
        }
        return counters;
    }

    private async Task<CounterGrant> AcquireOneAsync(LimitCounter counter, long wanted, CancellationToken cancellationToken)
    {
        if (counter.Kind != LimitKind.Concurrency)
        {
            return new CounterGrant(counter, await _limiter!.AcquireAsync(counter, wanted, allOrNothing: false, cancellationToken), []);
        }
        var placeholders = Enumerable.Range(0, (int)wanted).Select(_ => $"pending:{Interlocked.Increment(ref _placeholders)}:{Guid.NewGuid():N}").ToArray();
        return new CounterGrant(counter, await _limiter!.AcquireHoldersAsync(counter, placeholders, _lease, cancellationToken), placeholders);
    }

    /// <summary>Gives back what each counter granted beyond <paramref name="keep"/>.</summary>
    private async Task KeepAsync(IReadOnlyList<CounterGrant> grants, long keep, CancellationToken cancellationToken)
    {
        foreach (var grant in grants)
        {
            var excess = grant.Kept - keep;
            if (excess <= 0) continue;
            if (grant.IsConcurrency)
            {
                var unused = grant.Placeholders.Skip((int)keep).Take((int)excess).ToArray();
                await _limiter!.SettleHoldersAsync(grant.Counter, unused, [], _lease, cancellationToken);
            }
            else
            {
                await _limiter!.GiveBackAsync(grant.Counter, grant.Grant, excess, cancellationToken);
            }
            grant.Kept = keep;
        }
    }

    private static TimeSpan ParkingTime(CounterGrant grant)
    {
        var retry = grant.Grant.RetryAfter > TimeSpan.Zero ? grant.Grant.RetryAfter : TimeSpan.FromMilliseconds(1);
        return grant.IsConcurrency && retry > ConcurrencyRecheck ? ConcurrencyRecheck : retry;
    }

    private static string HolderOf(ClaimedJob job) => HolderOf(job.Id, job.Attempt);

    /// <summary>A concurrency holder is one attempt of a job: "job:ID:ATTEMPT".</summary>
    internal static string HolderOf(long jobId, int attempt) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"job:{jobId}:{attempt}");
}
