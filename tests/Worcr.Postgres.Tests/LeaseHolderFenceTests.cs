using Worcr.Core.Jobs;
using Worcr.Core.Retries;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// Reports carrying a lease holder apply only while the job's row names that holder: the fence holds in SQL, so a
/// race past a node's in-memory check (or a second node) cannot end, yield or checkpoint another holder's attempt.
/// </summary>
public sealed class LeaseHolderFenceTests
{
    private static readonly LeaseHolder Owner = new("w1", "n1");
    private static readonly LeaseHolder SameIdOtherNode = new("w1", "n2");
    private static readonly LeaseHolder OtherWorker = new("w2", "n1");

    [Fact]
    public async Task Complete_fail_yield_and_checkpoint_from_another_holder_match_nothing_and_the_owners_still_apply()
    {
        await using var db = await CreateAsync();
        var run = await db.RunOneAsync(worker: "w1", node: "n1");

        foreach (var intruder in new[] { SameIdOtherNode, OtherWorker })
        {
            Assert.Equal([false], await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, "{}") { Holder = intruder }]));
            var failed = await db.Jobs.FailAsync(new JobFailure(run.Id, run.Attempt, "not mine") { Holder = intruder }, _ => FailDecision.Dead);
            Assert.False(failed.Accepted);
            Assert.False(await db.Jobs.YieldAsync(run.Id, run.Attempt, TimeSpan.Zero, intruder));
            Assert.False(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "step", "9", intruder));
        }
        var job = (await db.Jobs.GetAsync(run.Id))!;
        Assert.Equal((JobState.Running, 0), (job.State, job.Failures));
        Assert.Empty(job.Checkpoints);

        Assert.True(await db.Jobs.SaveCheckpointAsync(run.Id, run.Attempt, "step", "1", Owner));
        Assert.Equal([true], await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, "{\"by\":\"owner\"}") { Holder = Owner }]));
        Assert.Equal(JobState.Completed, (await db.Jobs.GetAsync(run.Id))!.State);
    }

    [Fact]
    public async Task A_batch_mixing_holders_completes_only_the_rows_each_holder_holds()
    {
        await using var db = await CreateAsync();
        var mine = await db.RunOneAsync(worker: "w1", node: "n1");
        var theirs = await db.RunOneAsync(worker: "w2", node: "n1");

        var accepted = await db.Jobs.CompleteAsync([
            new Completion(mine.Id, mine.Attempt, null) { Holder = Owner },
            new Completion(theirs.Id, theirs.Attempt, null) { Holder = Owner },
        ]);

        Assert.Equal([true, false], accepted);
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(theirs.Id))!.State);
    }

    [Fact]
    public async Task Releasing_one_streams_attempts_leaves_another_streams_jobs_under_the_same_worker_id_running()
    {
        await using var db = await CreateAsync();
        var first = await db.RunOneAsync(worker: "w1", node: "n1");
        var second = await db.RunOneAsync(worker: "w1", node: "n1");

        var released = await db.Jobs.ReleaseAttemptsAsync(Owner, [(first.Id, first.Attempt)], "stream ended");

        Assert.Equal([first.Id], released.Select(r => r.Id));
        Assert.Equal(JobState.Waiting, (await db.Jobs.GetAsync(first.Id))!.State);
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(second.Id))!.State);
        Assert.Empty(await db.Jobs.ReleaseAttemptsAsync(SameIdOtherNode, [(second.Id, second.Attempt)], "not that node's"));
        Assert.Empty(await db.Jobs.ReleaseAttemptsAsync(Owner, [(second.Id, second.Attempt + 1)], "a stale attempt"));
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(second.Id))!.State);
    }
}
