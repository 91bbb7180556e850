using Worcr.Core.Jobs;
using Worcr.Server.Lifecycle;

namespace Worcr.Server.Tests.Lifecycle;

/// <summary>Which state change each transition announces, from what the store said it did (no I/O).</summary>
public sealed class StateChangesTests
{
    private static readonly NewJob Job = new("acme", "email", ["eu"], "{}", 1, 3, null, null, null, null);

    [Fact]
    public void A_new_job_is_announced_in_the_state_it_was_stored_in_and_a_duplicate_is_not()
    {
        Assert.Equal(new JobStateRecord(7, "acme", JobState.Scheduled, 0, null, "email"), StateChanges.Enqueued(Job, new EnqueuedJob(7, false, JobState.Scheduled)));
        Assert.Null(StateChanges.Enqueued(Job, new EnqueuedJob(7, true, JobState.Waiting)));
    }

    [Fact]
    public void A_start_is_announced_as_running_with_its_attempt()
    {
        Assert.Equal(new JobStateRecord(7, "acme", JobState.Running, 2, null), StateChanges.Started(7, "acme", 2));
    }

    [Fact]
    public void Complete_fail_and_yield_are_announced_only_when_the_attempt_was_still_running()
    {
        Assert.Equal(JobState.Completed, StateChanges.Completed(new Completion(7, 1, null), "acme", accepted: true)!.State);
        Assert.Null(StateChanges.Completed(new Completion(7, 1, null), "acme", accepted: false));
        var failure = new JobFailure(7, 2, "boom");
        Assert.Equal(new JobStateRecord(7, "acme", JobState.Dead, 2, "boom"), StateChanges.Failed(failure, "acme", new FailOutcome(true, JobState.Dead, null)));
        Assert.Equal(JobState.Failed, StateChanges.Failed(failure, "acme", new FailOutcome(true, JobState.Failed, DateTimeOffset.UtcNow))!.State);
        Assert.Null(StateChanges.Failed(failure, "acme", new FailOutcome(false, JobState.Cancelled, null)));
        Assert.Null(StateChanges.Yielded(7, 1, TimeSpan.Zero, "acme", accepted: false));
    }

    [Fact]
    public void A_yield_with_a_delay_is_announced_as_scheduled_and_without_one_as_waiting()
    {
        Assert.Equal(JobState.Waiting, StateChanges.Yielded(7, 1, TimeSpan.Zero, "acme", accepted: true)!.State);
        Assert.Equal(JobState.Scheduled, StateChanges.Yielded(7, 1, TimeSpan.FromSeconds(1), "acme", accepted: true)!.State);
    }

    [Fact]
    public void A_cancel_is_announced_with_its_reason_and_a_cancel_of_a_finished_job_is_not()
    {
        var cancelled = new CancelOutcome(true, true, JobState.Running, "w1", "n1", 3, "acme", "email");
        Assert.Equal(new JobStateRecord(7, "acme", JobState.Cancelled, 3, "user asked", "email"), StateChanges.Cancelled(7, "user asked", cancelled));
        Assert.Null(StateChanges.Cancelled(7, "late", new CancelOutcome(true, false, JobState.Completed, null, null, 1, "acme")));
    }

    [Fact]
    public void A_manual_retry_is_announced_only_when_the_job_came_back()
    {
        Assert.Equal(new JobStateRecord(7, "acme", JobState.Waiting, 2, null), StateChanges.Retried(7, new RetryOutcome(true, JobState.Waiting, "acme", 2)));
        Assert.Null(StateChanges.Retried(7, new RetryOutcome(false, JobState.Running)));
        Assert.Null(StateChanges.Retried(7, null));
    }
}
