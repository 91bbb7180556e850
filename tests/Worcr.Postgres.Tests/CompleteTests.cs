using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class CompleteTests
{
    [Fact]
    public async Task A_batch_completes_current_attempts_and_rejects_stale_ones_in_input_order()
    {
        await using var db = await CreateAsync();
        var first = await db.RunOneAsync();
        var second = await db.RunOneAsync();
        var accepted = await db.Jobs.CompleteAsync([
            new Completion(first.Id, first.Attempt, """{"ok":true}"""),
            new Completion(second.Id, second.Attempt + 1, null),
            new Completion(424242, 1, null),
        ]);
        Assert.Equal([true, false, false], accepted);
        var done = (await db.Jobs.GetAsync(first.Id))!;
        Assert.Equal((JobState.Completed, """{"ok":true}"""), (done.State, done.ResultJson));
        Assert.NotNull(done.FinishedAt);
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(second.Id))!.State);
        Assert.Equal(0L, await db.ScalarAsync($"SELECT count(*) FROM __schema__.jobs WHERE id = {first.Id}"));
    }

    [Fact]
    public async Task A_job_completed_once_cannot_be_completed_again()
    {
        await using var db = await CreateAsync();
        var job = await db.RunOneAsync();
        Assert.Equal([true], await db.Jobs.CompleteAsync([new Completion(job.Id, job.Attempt, null)]));
        Assert.Equal([false], await db.Jobs.CompleteAsync([new Completion(job.Id, job.Attempt, null)]));
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Completed));
    }
}
