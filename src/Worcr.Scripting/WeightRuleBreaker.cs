using System.Globalization;

namespace Worcr.Scripting;

/// <summary>
/// A circuit breaker around one weight rule. Weight rules run on the node's dispatch loop, once per uncached (lane,
/// worker) pair, and a rule that spends its whole time budget on every call would cost 100 ms per pair (1,000 lanes
/// and a reconnecting worker: 100 s of stalled dispatch). After <see cref="SandboxLimits.WeightBreakerTripAfter"/>
/// calls in a row that exhausted a budget (<see cref="RuleExecutionException.ExhaustedBudget"/>: time, instructions or
/// statements, memory), the breaker opens: for <see cref="SandboxLimits.WeightBreakerCoolDown"/> the rule is not called
/// and fails at once (<see cref="RuleFailureKind.Skipped"/>, factor 1 in <see cref="WeightEvaluator"/>, with an error
/// that says why and until when). Then one trial call runs it (half-open) while other callers are still skipped: if the
/// trial exhausts a budget again, the breaker opens for another cool-down; otherwise (a result, or an ordinary error,
/// which is cheap) it closes. Ordinary script errors neither trip it nor count towards a trip: they break the run.
/// A breaker's state outlives the compiled rule it guards: <see cref="Rewrap"/> puts the same state around the rule
/// compiled again for a new rules version in which it did not change, so a rule still failing is not called again
/// just because another rule was saved. A changed or new rule gets a new breaker, closed.
/// Thread-safe; a call while closed allocates nothing and adds one volatile read (and a write after a budget failure).
/// </summary>
public sealed class WeightRuleBreaker : IWeightRule
{
    private readonly IWeightRule _rule;
    private readonly int _tripAfter;
    private readonly TimeSpan _coolDown;
    private readonly long _coolDownTicks;
    private readonly TimeProvider _time;
    private readonly Action<RuleBreakerTrip>? _tripped;
    private readonly BreakerState _state;

    /// <param name="rule">The rule guarded.</param>
    /// <param name="limits">Where <see cref="SandboxLimits.WeightBreakerTripAfter"/> and <see cref="SandboxLimits.WeightBreakerCoolDown"/> come from.</param>
    /// <param name="time">The clock of the cool-down.</param>
    /// <param name="tripped">Told once per trip (to log and count it); called on the thread whose call tripped it.</param>
    public WeightRuleBreaker(IWeightRule rule, SandboxLimits limits, TimeProvider time, Action<RuleBreakerTrip>? tripped = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        limits.Validate();
        _rule = rule;
        _tripAfter = limits.WeightBreakerTripAfter;
        _coolDown = limits.WeightBreakerCoolDown;
        _coolDownTicks = (long)Math.Min(_coolDown.TotalSeconds * time.TimestampFrequency, long.MaxValue / 4);
        _time = time;
        _tripped = tripped;
        _state = new BreakerState();
    }

    private WeightRuleBreaker(WeightRuleBreaker previous, IWeightRule rule)
    {
        _rule = rule;
        _tripAfter = previous._tripAfter;
        _coolDown = previous._coolDown;
        _coolDownTicks = previous._coolDownTicks;
        _time = previous._time;
        _tripped = previous._tripped;
        _state = previous._state;
    }

    /// <summary>
    /// A breaker around <paramref name="recompiled"/> (the same rule, compiled again for a new rules version) that
    /// shares this breaker's state: its run of budget failures, its open period and its trip count. Both breakers may
    /// be called at once (a decision still using the old version), and either one's calls count for both.
    /// </summary>
    /// <param name="recompiled">A rule of the same name whose code, language and kind the caller found unchanged.</param>
    public WeightRuleBreaker Rewrap(IWeightRule recompiled)
    {
        ArgumentNullException.ThrowIfNull(recompiled);
        if (!string.Equals(recompiled.Name, Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"rule '{recompiled.Name}' cannot take over the breaker of rule '{Name}'", nameof(recompiled));
        }
        return new WeightRuleBreaker(this, recompiled);
    }

    public string Name => _rule.Name;

    public int Order => _rule.Order;

    /// <summary>The rule this breaker guards.</summary>
    public IWeightRule Rule => _rule;

    /// <summary>True while the rule is skipped or its trial call runs.</summary>
    public bool IsOpen => _state.Open is not null;

    /// <summary>
    /// While open: the <see cref="TimeProvider"/> timestamp from which the next call is the trial call (until then every
    /// call is skipped, so a decision made with it skipped holds until then); null while closed.
    /// </summary>
    public long? TrialFrom => _state.Open?.UntilTimestamp;

    /// <summary>How many times the breaker opened (a failed trial call included).</summary>
    public int Trips => Volatile.Read(ref _state.Trips);

    /// <summary>The same rules without their breakers: what an operator testing rules wants (each rule really runs).</summary>
    public static WeightEvaluator Bypass(WeightEvaluator weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new WeightEvaluator(weights.Rules.Select(rule => rule is WeightRuleBreaker breaker ? breaker.Rule : rule));
    }

    public double EvaluateWeight(JobFacts job, WorkerFacts worker)
    {
        var open = _state.Open;
        if (open is not null) return Trial(open, job, worker);
        try
        {
            var factor = _rule.EvaluateWeight(job, worker);
            EndRun();
            return factor;
        }
        catch (RuleExecutionException failure)
        {
            if (failure.ExhaustedBudget) CountExhausted(failure);
            else EndRun();
            throw;
        }
    }

    /// <summary>While open: skip, unless the cool-down is over and no other caller took this period's one trial call.</summary>
    private double Trial(OpenPeriod open, JobFacts job, WorkerFacts worker)
    {
        if (_time.GetTimestamp() < open.UntilTimestamp || Interlocked.Exchange(ref open.TrialTaken, 1) != 0)
        {
            throw new RuleExecutionException(Name, open.SkipMessage, kind: RuleFailureKind.Skipped);
        }

        double factor;
        try
        {
            factor = _rule.EvaluateWeight(job, worker);
        }
        catch (RuleExecutionException failure) when (failure.ExhaustedBudget)
        {
            Open(open, $"its trial call after a cool-down exhausted a budget again ({failure.Message})", afterTrial: true);
            throw;
        }
        catch (RuleExecutionException)
        {
            Close(open); // an ordinary error is cheap: the rule is called again, and fails as any failing rule
            throw;
        }
        catch
        {
            Volatile.Write(ref open.TrialTaken, 0); // not the rule's answer (a bug of the host): let the next call try
            throw;
        }

        Close(open);
        return factor;
    }

    private void CountExhausted(RuleExecutionException failure)
    {
        var inARow = Interlocked.Increment(ref _state.ExhaustedInARow);
        if (inARow < _tripAfter) return;
        Open(expected: null, $"its last {inARow} calls exhausted a budget ({failure.Message})", afterTrial: false);
    }

    /// <summary>Swaps in a new open period if the state is still <paramref name="expected"/>; only the caller that swaps reports the trip.</summary>
    private void Open(OpenPeriod? expected, string reason, bool afterTrial)
    {
        var until = _time.GetUtcNow() + _coolDown;
        var skipMessage = string.Create(CultureInfo.InvariantCulture,
            $"rule '{Name}' was skipped: {reason}; the node does not call it until {until:yyyy-MM-ddTHH:mm:ss.fffZ}, then one trial call runs it");
        var period = new OpenPeriod(_time.GetTimestamp() + _coolDownTicks, skipMessage);
        if (Interlocked.CompareExchange(ref _state.Open, period, expected) != expected) return;
        Volatile.Write(ref _state.ExhaustedInARow, 0);
        Interlocked.Increment(ref _state.Trips);
        _tripped?.Invoke(new RuleBreakerTrip(Name, reason, until, afterTrial));
    }

    private void Close(OpenPeriod open)
    {
        Volatile.Write(ref _state.ExhaustedInARow, 0);
        Interlocked.CompareExchange(ref _state.Open, null, open);
    }

    /// <summary>A call that did not exhaust a budget ends the run of failures (no write when there was none).</summary>
    private void EndRun()
    {
        if (Volatile.Read(ref _state.ExhaustedInARow) != 0) Volatile.Write(ref _state.ExhaustedInARow, 0);
    }

    /// <summary>What a breaker knows, kept apart from the rule so that a recompiled, unchanged rule keeps it (<see cref="Rewrap"/>).</summary>
    private sealed class BreakerState
    {
        public int ExhaustedInARow;

        public int Trips;

        public volatile OpenPeriod? Open;
    }

    /// <summary>One open period: when it ends (a <see cref="TimeProvider"/> timestamp), the error skipped calls get, and its one trial call.</summary>
    private sealed class OpenPeriod(long untilTimestamp, string skipMessage)
    {
        public long UntilTimestamp { get; } = untilTimestamp;

        public string SkipMessage { get; } = skipMessage;

        public int TrialTaken;
    }
}
