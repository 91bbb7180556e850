using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class CancelTests
{
    [Fact]
    public async Task A_waiting_job_is_cancelled_without_a_cancel_notification()
    {
        await using var db = await CreateAsync();
        var id = await db.EnqueueOneAsync();
        await using var probe = await NotificationProbe.StartAsync(db);
        var outcome = await db.Jobs.CancelAsync(id, "not needed");
        Assert.Equal((true, true, JobState.Waiting), (outcome.Found, outcome.Cancelled, outcome.State));
        var job = (await db.Jobs.GetAsync(id))!;
        Assert.Equal((JobState.Cancelled, "not needed"), (job.State, job.LastError));
        Assert.Empty(await probe.DrainAsync());
    }

    [Fact]
    public async Task Cancelling_a_running_job_tells_its_node_and_fences_out_the_late_completion()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(node: "node-7");
        await using var probe = await NotificationProbe.StartAsync(db);
        var outcome = await db.Jobs.CancelAsync(run.Id, "user asked");
        Assert.Equal((true, JobState.Running, "w1", "node-7", 1), (outcome.Cancelled, outcome.State, outcome.WorkerId, outcome.NodeId, outcome.Attempt));
        var notification = Assert.Single(await probe.DrainAsync());
        Assert.Equal(db.CancelChannel, notification.Channel);
        Assert.Equal(new CancelPayload(run.Id, 1, "node-7"), CancelPayload.Parse(notification.Payload));
        Assert.Equal([false], await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, null)]));
        Assert.Equal(JobState.Cancelled, (await db.Jobs.GetAsync(run.Id))!.State);
    }

    [Fact]
    public async Task Cancelling_a_finished_job_reports_its_state_and_an_unknown_job_is_not_found()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync();
        await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, null)]);
        var finished = await db.Jobs.CancelAsync(run.Id, "too late");
        Assert.Equal((true, false, JobState.Completed), (finished.Found, finished.Cancelled, finished.State));
        Assert.False((await db.Jobs.CancelAsync(987654, "nothing")).Found);
    }
}
