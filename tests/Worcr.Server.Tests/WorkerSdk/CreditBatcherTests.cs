using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Server.Tests.WorkerSdk;

/// <summary>
/// When the SDK gives credits back: at once without prefetch; with prefetch, held while jobs still wait for a slot
/// until half the prefetch is owed, and all released the moment no job waits any more.
/// </summary>
public sealed class CreditBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(32, 16)]
    [InlineData(256, 128)]
    public void A_worker_holds_back_up_to_half_its_prefetch(int prefetch, int holdUntil) =>
        Assert.Equal(holdUntil, CreditBatcher.HoldUntilFor(prefetch));

    [Fact]
    public void Without_prefetch_every_grant_is_due_at_once_even_while_jobs_wait()
    {
        var credits = new CreditBatcher(_ => true);
        credits.JobWaiting();

        credits.Grant();

        Assert.True(credits.SendRequested);
    }

    [Fact]
    public void While_jobs_wait_for_a_slot_credits_are_held_until_the_threshold_is_owed()
    {
        var sent = new List<WorkerMessage>();
        var credits = new CreditBatcher(m => { sent.Add(m); return true; }, holdUntil: 4);
        credits.JobWaiting();

        for (var i = 0; i < 3; i++) credits.Grant();
        Assert.False(credits.SendRequested);

        credits.Grant();
        Assert.True(credits.SendRequested);
        Assert.Equal(4, credits.Flush());
        Assert.Equal(4, Assert.Single(sent).Credit.N);
    }

    [Fact]
    public void The_last_job_to_stop_waiting_releases_what_is_held()
    {
        var sent = new List<WorkerMessage>();
        var credits = new CreditBatcher(m => { sent.Add(m); return true; }, holdUntil: 4);
        credits.JobWaiting();
        credits.JobWaiting();
        credits.Grant();
        credits.Grant();

        credits.JobStoppedWaiting();
        Assert.False(credits.SendRequested);

        credits.JobStoppedWaiting();
        Assert.True(credits.SendRequested);
        credits.Flush();
        Assert.Equal(2, Assert.Single(sent).Credit.N);
    }

    [Fact]
    public void With_no_job_waiting_a_grant_is_due_at_once_whatever_the_threshold()
    {
        var credits = new CreditBatcher(_ => true, holdUntil: 128);

        credits.Grant();

        Assert.True(credits.SendRequested);
    }

    [Fact]
    public void The_queue_emptying_with_nothing_owed_sends_nothing()
    {
        var credits = new CreditBatcher(_ => true, holdUntil: 4);
        credits.JobWaiting();

        credits.JobStoppedWaiting();

        Assert.False(credits.SendRequested);
    }

    [Fact]
    public async Task The_sender_posts_what_is_owed_as_one_credit_once_woken()
    {
        var posted = new TaskCompletionSource<WorkerMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var credits = new CreditBatcher(m => posted.TrySetResult(m), holdUntil: 4);
        using var stop = new CancellationTokenSource();
        var sender = credits.RunAsync(stop.Token);
        credits.JobWaiting();
        credits.Grant();
        credits.Grant();

        credits.JobStoppedWaiting();

        Assert.Equal(2, (await posted.Task.WaitAsync(Patience)).Credit.N);
        Assert.Equal(0, credits.Pending);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sender);
    }
}
