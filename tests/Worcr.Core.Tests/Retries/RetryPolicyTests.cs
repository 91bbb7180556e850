using Worcr.Core.Retries;

namespace Worcr.Core.Tests.Retries;

public sealed class RetryPolicyTests
{
    // Random value 1: the backoff's delay is its ceiling, base·2^(n-1).
    private static readonly RetryBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), () => 1);
    private static readonly FailureBudget Fresh = new(Failures: 0, MaxAttempts: 3);

    private static RetryAdvice? NoRule() => null;

    private static Func<RetryAdvice?> MustNotAsk => () => throw new InvalidOperationException("the rules must not be asked");

    [Fact]
    public void Without_a_rule_or_a_requested_delay_the_retry_waits_the_backoff_of_its_attempt()
    {
        Assert.Equal(FailDecision.RetryAfter(TimeSpan.FromSeconds(1)), RetryPolicy.Decide(new FailReport(1, true), Fresh, Backoff, NoRule));
        Assert.Equal(FailDecision.RetryAfter(TimeSpan.FromSeconds(4)), RetryPolicy.Decide(new FailReport(3, true), Fresh, Backoff, NoRule));
    }

    [Fact]
    public void The_workers_retry_after_wins_over_rules_and_backoff()
    {
        var decision = RetryPolicy.Decide(new FailReport(1, true, TimeSpan.FromSeconds(42)), Fresh, Backoff, MustNotAsk);
        Assert.Equal(TimeSpan.FromSeconds(42), decision.RetryDelay);
    }

    [Fact]
    public void A_rules_delay_replaces_the_backoff_and_a_rule_that_gives_up_makes_the_job_dead()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), RetryPolicy.Decide(new FailReport(1, true), Fresh, Backoff, () => new RetryAdvice(false, TimeSpan.FromMinutes(5))).RetryDelay);
        Assert.True(RetryPolicy.Decide(new FailReport(1, true), Fresh, Backoff, () => new RetryAdvice(true, TimeSpan.Zero)).IsDead);
    }

    [Fact]
    public void A_failure_the_worker_calls_not_retryable_is_dead_even_with_a_requested_delay()
    {
        Assert.True(RetryPolicy.Decide(new FailReport(1, false), Fresh, Backoff, MustNotAsk).IsDead);
        Assert.True(RetryPolicy.Decide(new FailReport(1, false, TimeSpan.FromSeconds(5)), Fresh, Backoff, MustNotAsk).IsDead);
    }

    [Fact]
    public void The_failure_that_uses_the_last_attempt_is_dead_and_the_one_before_it_is_retried()
    {
        Assert.True(RetryPolicy.Decide(new FailReport(3, true), new FailureBudget(2, 3), Backoff, MustNotAsk).IsDead);
        Assert.False(RetryPolicy.Decide(new FailReport(2, true), new FailureBudget(1, 3), Backoff, NoRule).IsDead);
        Assert.True(RetryPolicy.Decide(new FailReport(1, true, TimeSpan.Zero), new FailureBudget(0, 1), Backoff, MustNotAsk).IsDead);
    }

    [Fact]
    public void Yields_and_lost_runs_do_not_shift_the_backoff_which_follows_the_attempt_number()
    {
        // Attempt 4 after one failure (the other runs were yields): the backoff is that of the fourth attempt.
        Assert.Equal(TimeSpan.FromSeconds(8), RetryPolicy.Decide(new FailReport(4, true), new FailureBudget(1, 10), Backoff, NoRule).RetryDelay);
    }
}
