using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Scripting;
using Worcr.Server.Enqueue;

namespace Worcr.Server.Rules;

/// <summary>
/// What a rule returns passes the checks a producer's or a worker's value passes: a rule is code, and its values
/// reach PostgreSQL and the clock as theirs do. A value that fails makes the rule fail (its error is logged, the
/// node goes on as without it) instead of reaching PostgreSQL (a NUL in a tag), overflowing the clock (a retry in
/// 14,000 years) or failing the producer's call with an error about a field the producer never sent.
/// </summary>
internal static class RuleChangeChecks
{
    /// <summary>Why an enqueue rule's changes cannot be applied, or null when they can.</summary>
    public static string? EnqueueProblem(EnqueueChanges changes, DateTimeOffset now)
    {
        try
        {
            JobSpecValidator.ValidateTags(changes.ExtraTags, "tags");
        }
        catch (WorcrError error)
        {
            return error.Message;
        }
        var latest = now + InputLimits.MaxScheduleAhead;
        if (changes.RunAt > latest) return $"run_at {changes.RunAt:O} is more than {InputLimits.MaxScheduleAhead.TotalDays:0} days ahead";
        if (changes.ExpiresAt > latest) return $"expires_at {changes.ExpiresAt:O} is more than {InputLimits.MaxScheduleAhead.TotalDays:0} days ahead";
        return null;
    }

    /// <summary>Why a retry rule's delay cannot be used, or null when it can (the furthest a worker may ask for too).</summary>
    public static string? RetryProblem(RetryDecision decision) =>
        decision.Delay > InputLimits.MaxScheduleAhead
            ? $"the retry delay {decision.Delay.TotalDays:0} days is more than {InputLimits.MaxScheduleAhead.TotalDays:0} days"
            : null;
}
