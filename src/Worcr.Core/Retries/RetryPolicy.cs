namespace Worcr.Core.Retries;

/// <summary>
/// The one place that decides whether a failed attempt runs again, and when. In order: the worker's retry_after
/// if it gave one, else the first retry rule (which may give up), else exponential backoff with jitter; and in
/// every case the job is dead when the worker calls the failure not retryable or its attempts are used up.
/// Pure: the store only applies the decision, fenced by the attempt.
/// </summary>
public static class RetryPolicy
{
    /// <param name="report">What the worker said.</param>
    /// <param name="budget">The job's failures so far and its attempt budget.</param>
    /// <param name="backoff">The job type's backoff, or the node's.</param>
    /// <param name="askRules">Runs the retry rules; asked only when the worker left the delay open on a retryable failure.</param>
    public static FailDecision Decide(FailReport report, FailureBudget budget, RetryBackoff backoff, Func<RetryAdvice?> askRules)
    {
        if (!report.Retryable || budget.IsSpentBy(1)) return FailDecision.Dead;
        if (report.RetryAfter is { } requested) return FailDecision.RetryAfter(requested);
        return askRules() switch
        {
            null => FailDecision.RetryAfter(backoff.DelayAfter(Math.Max(1, report.Attempt))),
            { GiveUp: true } => FailDecision.Dead,
            var advice => FailDecision.RetryAfter(advice.Delay),
        };
    }
}
