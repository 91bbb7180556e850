namespace Worcr.Scripting;

/// <summary>
/// A <see cref="WeightRuleBreaker"/> opened: the rule is skipped (factor 1) until <paramref name="Until"/>, then one
/// trial call runs it. Reported once per trip, never per skipped call.
/// </summary>
/// <param name="RuleName">The rule skipped.</param>
/// <param name="Reason">Why, with the last failure's message ("its last 5 calls exhausted a budget (rule 'x' (js) exceeded …)").</param>
/// <param name="Until">When the trial call may run.</param>
/// <param name="AfterTrial">True when the trial call after a cool-down failed the same way (the breaker opened again).</param>
public readonly record struct RuleBreakerTrip(string RuleName, string Reason, DateTimeOffset Until, bool AfterTrial);
