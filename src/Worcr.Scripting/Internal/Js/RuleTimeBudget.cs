using System.Diagnostics;
using Jint;

namespace Worcr.Scripting.Internal.Js;

/// <summary>
/// A rule's time budget as a Jint constraint, counted from each entry into the engine, that the host can hold off
/// while it runs its own prelude: trusted code that must not spend the rule's budget. The first engine of a process
/// runs the prelude with Jint's code not yet compiled (342 ms here against a 100 ms budget), which made a rule's
/// first load fail with a bare TimeoutException. Exceeding the budget throws <see cref="TimeoutException"/>, as
/// Jint's own time constraint does.
/// </summary>
internal sealed class RuleTimeBudget(TimeSpan budget) : Constraint
{
    private readonly long _budgetTicks = (long)Math.Min(budget.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2);
    private long _deadline = long.MaxValue;

    /// <summary>While true, entries into the engine are not timed.</summary>
    public bool Held { get; set; }

    // A deadline only read against a clock: checking less often only delays noticing it (Jint's own reasoning).
    public override bool IsAmortizable => true;

    public override void Check()
    {
        if (Stopwatch.GetTimestamp() > _deadline) throw new TimeoutException($"The rule ran past its time budget of {budget.TotalMilliseconds:0} ms.");
    }

    public override void Reset() => _deadline = Held ? long.MaxValue : Stopwatch.GetTimestamp() + _budgetTicks;
}
