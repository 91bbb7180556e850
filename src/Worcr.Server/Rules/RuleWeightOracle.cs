using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Scripting;
using Worcr.Server.Telemetry;

namespace Worcr.Server.Rules;

/// <summary>
/// Weight rule results per (lane, worker, rules version). Weight rules judge a lane — tenant, type, tag set —
/// on a worker, so scripts run once per distinct pair and rules version, never once per job. A rule that
/// fails contributes the documented default factor 1; the failure is logged once, counted, and kept here so
/// the dispatcher can note it on the jobs it sends from that lane. A rule skipped by its open breaker is counted and
/// noted but not logged per decision: its breaker's trip was logged once (RuleCatalog).
/// A cached decision is two look-ups without hashing a string or allocating: the worker's profile object (one per
/// connection) by reference, then the lane id. Entries of a profile go away with it when its worker leaves.
/// A decision made while a rule's breaker skipped it is the default factor 1 for that rule, not the rule's answer: it
/// is decided again once that breaker allows its trial call, so once the breaker closes the pair gets the rule's
/// factor (cached for good, it kept factor 1 until the next rules version), and not before (every other rule would
/// run again for nothing).
/// </summary>
internal sealed class RuleWeightOracle : IWeightOracle
{
    private readonly Func<RuleBook> _currentBook;
    private readonly Action<string> _onRuleError;
    /// <summary>Decisions remembered at most per rules version (lanes × worker profiles); past it the cache starts afresh.</summary>
    internal const int DecisionsKept = 100_000;

    /// <summary>
    /// How long a decision made while a rule was skipped is kept when no open breaker says until when (its breaker
    /// closed meanwhile): it is made again soon after.
    /// </summary>
    internal static readonly TimeSpan SkippedRecheck = TimeSpan.FromSeconds(1);

    private volatile VersionedCache _cache = new("");

    /// <param name="currentBook">The rules live right now (the node passes its catalog's current book).</param>
    /// <param name="onRuleError">Told about each rule failure once per cached decision.</param>
    public RuleWeightOracle(Func<RuleBook> currentBook, Action<string> onRuleError)
    {
        _currentBook = currentBook;
        _onRuleError = onRuleError;
    }

    public double Multiplier(Lane lane, WorkerProfile worker) => Decide(lane, worker).Multiplier;

    /// <summary>Decisions cached for the current rules version (for tests of the bound).</summary>
    internal int CachedDecisions => _cache.Count;

    /// <summary>The full decision (with trace and errors) for a lane on a worker, from the cache when possible.</summary>
    public WeightDecision Decide(Lane lane, WorkerProfile worker)
    {
        var book = _currentBook();
        var cache = _cache;
        if (cache.Version != book.Version)
        {
            // A new rules version: start a fresh cache (the old one is simply dropped).
            cache = new VersionedCache(book.Version);
            _cache = cache;
        }
        else if (cache.Count >= DecisionsKept)
        {
            // Bounded: endless lanes or worker profiles must not grow the cache without end. Starting afresh is
            // rare (a cache this full holds every pair that matters) and cheaper than tracking recency per hit.
            cache = new VersionedCache(book.Version);
            _cache = cache;
        }
        var decisions = cache.ByWorker.GetValue(worker, static _ => new ConcurrentDictionary<long, CachedDecision>());
        // TryGetValue first: GetOrAdd with a capturing factory would allocate a closure on every call, hit or not.
        if (decisions.TryGetValue(lane.Id, out var cached))
        {
            if (cached.RecheckAt == long.MaxValue || Time.GetTimestamp() < cached.RecheckAt) return cached.Decision;
            var again = Cache(book, Evaluate(book, lane, worker));
            decisions[lane.Id] = again;
            return again.Decision;
        }
        var made = Cache(book, Evaluate(book, lane, worker));
        if (decisions.TryAdd(lane.Id, made)) cache.Added();
        else made = decisions[lane.Id];
        return made.Decision;
    }

    /// <summary>The node's metrics: time and failures of each evaluation (set by the node).</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; init; }

    /// <summary>The clock of the rules' breakers (their trial times are its timestamps).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Errors of the cached decision for this pair, if any (for a note on the jobs it dispatches).</summary>
    public IReadOnlyList<string> ErrorsFor(Lane lane, WorkerProfile worker) =>
        _cache.ByWorker.TryGetValue(worker, out var decisions) && decisions.TryGetValue(lane.Id, out var cached) ? cached.Decision.Errors : [];

    private CachedDecision Cache(RuleBook book, WeightDecision decision)
    {
        if (!decision.Trace.Any(application => application.Failure == RuleFailureKind.Skipped)) return new(decision, long.MaxValue);
        // Until the earliest trial call of the breakers open now: before it, every skipped rule is skipped again.
        var trialFrom = book.Weights.Rules.OfType<WeightRuleBreaker>().Select(breaker => breaker.TrialFrom).Min();
        return new(decision, trialFrom ?? Time.GetTimestamp() + (long)(SkippedRecheck.TotalSeconds * Time.TimestampFrequency));
    }

    /// <summary>A decision and the <see cref="TimeProvider"/> timestamp from which it is made again (<see cref="long.MaxValue"/>: never).</summary>
    private sealed record CachedDecision(WeightDecision Decision, long RecheckAt);

    private WeightDecision Evaluate(RuleBook book, Lane lane, WorkerProfile worker)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = book.Weights.Evaluate(LaneFacts(lane), new WorkerFacts(worker.WorkerId, worker.Tags, worker.JobTypes.ToArray()));
        Telemetry?.RulesEvaluated(Server.Telemetry.RuleKindLabel.Weight, book.Weights.Rules.Count, started, decision.Errors.Count);
        foreach (var application in decision.Trace)
        {
            if (application.Error is { } error && application.Failure != RuleFailureKind.Skipped) _onRuleError(error);
        }
        return decision;
    }

    /// <summary>The decisions of one rules version, per worker profile (by reference) and lane id.</summary>
    private sealed class VersionedCache(string version)
    {
        private int _count;

        public string Version { get; } = version;

        public ConditionalWeakTable<WorkerProfile, ConcurrentDictionary<long, CachedDecision>> ByWorker { get; } = new();

        public int Count => Volatile.Read(ref _count);

        public void Added() => Interlocked.Increment(ref _count);
    }

    /// <summary>What a weight rule sees of a lane's jobs: tenant, type and tags (args are per job and not part of a lane).</summary>
    public static JobFacts LaneFacts(Lane lane) => new(lane.Type, lane.Tenant, lane.Tags, "{}", 0, DateTimeOffset.UnixEpoch);
}
