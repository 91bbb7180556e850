using System.Diagnostics;
using System.Diagnostics.Metrics;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Workers;

namespace Worcr.Server.Telemetry;

/// <summary>
/// The node's metrics (one <see cref="Meter"/> "Worcr.Server" per node) and the hooks the node calls where jobs
/// change state. Counters use tag lists built once per (type, tenant) (<see cref="JobLabels"/>), so a hook costs a
/// few dictionary look-ups and no allocation. Gauges read what the node already keeps: the backlog its dispatch
/// loop re-reads every reconcile, and its worker sessions. docs/operations.md lists every metric.
/// </summary>
internal sealed class NodeTelemetry
{
    public const string MeterName = "Worcr.Server";

    /// <summary>Bucket bounds (seconds) for waits and run times: 1 ms to 1 h.</summary>
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    /// <summary>Bucket bounds (seconds) for round trips and rule calls: 50 µs to 5 s.</summary>
    private static readonly double[] ShortBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

    private readonly JobLabels _labels;
    private readonly LabelBound _limits;
    private readonly Counter<long> _enqueued;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _cancelled;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _runTime;
    private readonly Counter<long> _limitDenials;
    private readonly Counter<long> _ruleFailures;
    private readonly Counter<long> _ruleBreakerTrips;
    private readonly LabelBound _ruleNames;
    private readonly Histogram<double> _ruleDuration;
    private readonly Histogram<double> _redisDuration;
    private readonly KeyValuePair<string, object?>[][] _ruleKindTags;
    private volatile Dictionary<string, long> _waitingByType = new(StringComparer.Ordinal);

    /// <param name="meter">The node's "Worcr.Server" meter (from the node's IMeterFactory, so it is this node's alone).</param>
    /// <param name="sessions">The node's connected workers, read when the gauges are collected.</param>
    /// <param name="labelLimit">Distinct job types, tenants and limit names that get a label value of their own.</param>
    public NodeTelemetry(Meter meter, Func<IEnumerable<WorkerSession>> sessions, int labelLimit)
    {
        Meter = meter;
        _labels = new JobLabels(labelLimit, labelLimit);
        _limits = new LabelBound(labelLimit);
        _ruleNames = new LabelBound(labelLimit);
        _enqueued = meter.CreateCounter<long>("worcr.jobs.enqueued", "{job}", "Jobs stored by Enqueue and EnqueueBatch (duplicates of a unique key not counted).");
        _started = meter.CreateCounter<long>("worcr.jobs.started", "{job}", "Attempts claimed for a worker on this node.");
        _completed = meter.CreateCounter<long>("worcr.jobs.completed", "{job}", "Attempts that completed (durably).");
        _failed = meter.CreateCounter<long>("worcr.jobs.failed", "{job}", "Attempts that failed: reported by the worker, or lost with the worker or its lease.");
        _retried = meter.CreateCounter<long>("worcr.jobs.retried", "{job}", "Failed attempts that go back for another attempt.");
        _dead = meter.CreateCounter<long>("worcr.jobs.dead", "{job}", "Jobs that failed with no attempt left (or not retryable).");
        _expired = meter.CreateCounter<long>("worcr.jobs.expired", "{job}", "Jobs that reached expires_at before they started.");
        _cancelled = meter.CreateCounter<long>("worcr.jobs.cancelled", "{job}", "Jobs cancelled through the API or the admin API.");
        _wait = meter.CreateHistogram("worcr.job.wait.duration", "s", "Time from enqueue to the first start of a job.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _runTime = meter.CreateHistogram("worcr.job.run.duration", "s", "Time from claim to the worker's outcome of an attempt.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _limitDenials = meter.CreateCounter<long>("worcr.limit.denials", "{denial}", "Limit requests granted nothing: a lane parked at dispatch, or a worker's AcquireLimit refused.");
        _ruleFailures = meter.CreateCounter<long>("worcr.rule.failures", "{failure}", "Rule calls that failed (the documented default applied instead).");
        _ruleBreakerTrips = meter.CreateCounter<long>("worcr.rule.breaker.trips", "{trip}", "Times a weight rule's breaker opened: the rule exhausted a budget too many calls in a row (or again on its trial call) and is skipped for the cool-down.");
        _ruleDuration = meter.CreateHistogram("worcr.rule.duration", "s", "Time to evaluate the rules of one kind for one job or (weight) one lane and worker.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ShortBuckets });
        _redisDuration = meter.CreateHistogram("worcr.redis.duration", "s", "Round trips to Redis on the dispatch path.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ShortBuckets });
        _ruleKindTags = [.. Enum.GetValues<RuleKindLabel>().Select(kind => new KeyValuePair<string, object?>[] { new("kind", kind.ToString().ToLowerInvariant()) })];
        meter.CreateObservableGauge("worcr.jobs.waiting", ObserveWaiting, "{job}", "Waiting jobs by type, all nodes together (estimate refreshed every reconcile).");
        meter.CreateObservableGauge("worcr.jobs.running", () => ObserveRunning(sessions()), "{job}", "Jobs running on workers connected to this node.");
        meter.CreateObservableGauge("worcr.workers.connected", () => (long)sessions().Count(), "{worker}", "Workers connected to this node.");
        meter.CreateObservableGauge("worcr.workers.free_capacity", () => (long)sessions().Sum(s => s.AvailableCredits), "{job}", "Jobs this node may still send to its workers (their unused credits).");
    }

    public Meter Meter { get; }

    /// <summary>Jobs stored (not duplicates).</summary>
    public void Enqueued(NewJob job) => _enqueued.Add(1, _labels.Of(job.Type, job.Tenant));

    /// <summary>Jobs claimed for a worker (<paramref name="claimStarted"/>: when the claim began): started, first-attempt waits, claim spans.</summary>
    public void Claimed(IReadOnlyList<ClaimedJob> jobs, string workerId, DateTimeOffset claimStarted)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var job in jobs)
        {
            var tags = _labels.Of(job.Lane.Type, job.Lane.Tenant);
            _started.Add(1, tags);
            if (job.Attempt == 1) _wait.Record(Math.Max(0, (now - job.EnqueuedAt).TotalSeconds), tags);
        }
        NodeActivities.Claimed(jobs, workerId, claimStarted);
    }

    /// <summary>The worker reported the attempt's outcome and the store accepted it (<paramref name="job"/> null: not held here any more).</summary>
    public void Finished(ClaimedJob? job, JobOutcome outcome)
    {
        if (job is null) return;
        var tags = _labels.Of(job.Lane.Type, job.Lane.Tenant);
        if (job.ClaimedTimestamp != 0) _runTime.Record(Stopwatch.GetElapsedTime(job.ClaimedTimestamp).TotalSeconds, tags);
        switch (outcome)
        {
            case JobOutcome.Completed:
                _completed.Add(1, tags);
                break;
            case JobOutcome.Retried:
                _failed.Add(1, tags);
                _retried.Add(1, tags);
                break;
            case JobOutcome.Dead:
                _failed.Add(1, tags);
                _dead.Add(1, tags);
                break;
        }
        NodeActivities.Finished(job, outcome);
    }

    /// <summary>Running jobs whose worker or lease was lost: each is a failure, then waiting again or dead.</summary>
    public void Lost(IEnumerable<JobStateRecord> changes)
    {
        foreach (var change in changes)
        {
            var tags = _labels.Of(change.Type, change.Tenant);
            _failed.Add(1, tags);
            (change.State == Core.Jobs.JobState.Dead ? _dead : _retried).Add(1, tags);
        }
    }

    public void Expired(IEnumerable<JobStateRecord> changes)
    {
        foreach (var change in changes) _expired.Add(1, _labels.Of(change.Type, change.Tenant));
    }

    public void Cancelled(CancelOutcome outcome)
    {
        if (outcome.Cancelled) _cancelled.Add(1, _labels.Of(outcome.Type, outcome.Tenant));
    }

    /// <summary>A limit granted nothing.</summary>
    public void LimitDenied(string limitName) => _limitDenials.Add(1, new KeyValuePair<string, object?>("limit", _limits.Of(limitName)));

    /// <summary>Rules of one kind ran (<paramref name="started"/>: a <see cref="Stopwatch"/> timestamp); nothing is recorded when there were none.</summary>
    public void RulesEvaluated(RuleKindLabel kind, int rules, long started, int failures)
    {
        if (rules == 0) return;
        var tags = _ruleKindTags[(int)kind];
        _ruleDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        if (failures > 0) _ruleFailures.Add(failures, tags);
    }

    /// <summary>A weight rule's breaker opened (once per trip; the calls it then skips count as rule failures).</summary>
    public void RuleBreakerTripped(string ruleName) =>
        _ruleBreakerTrips.Add(1, new KeyValuePair<string, object?>("kind", "weight"), new KeyValuePair<string, object?>("rule", _ruleNames.Of(ruleName)));

    /// <summary>One Redis round trip of the named operation (<paramref name="started"/>: a <see cref="Stopwatch"/> timestamp).</summary>
    public void RedisCall(string operation, long started) =>
        _redisDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("operation", operation));

    /// <summary>The dispatch loop re-read the backlog: keep waiting counts per type for the gauge.</summary>
    public void Backlog(IEnumerable<(string Type, long Waiting)> lanes)
    {
        // Types seen before stay, at 0, so an emptied backlog reads 0 instead of vanishing from the graphs.
        var byType = _waitingByType.Keys.ToDictionary(type => type, _ => 0L, StringComparer.Ordinal);
        foreach (var (type, waiting) in lanes)
        {
            var label = _labels.TypeOf(type);
            byType[label] = byType.GetValueOrDefault(label) + waiting;
        }
        _waitingByType = byType;
    }

    private IEnumerable<Measurement<long>> ObserveWaiting() =>
        _waitingByType.Select(pair => new Measurement<long>(pair.Value, _labels.OfType(pair.Key)));

    private IEnumerable<Measurement<long>> ObserveRunning(IEnumerable<WorkerSession> sessions)
    {
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var session in sessions)
        {
            foreach (var job in session.RunningJobs())
            {
                var label = _labels.TypeOf(job.Lane.Type);
                byType[label] = byType.GetValueOrDefault(label) + 1;
            }
        }
        return byType.Select(pair => new Measurement<long>(pair.Value, _labels.OfType(pair.Key)));
    }
}

/// <summary>The "kind" label of the rule metrics.</summary>
internal enum RuleKindLabel
{
    Weight,
    Enqueue,
    Retry,
}
