using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;
using Worcr.Server.Limits;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>A job's old and new attempts on one worker each hold and free their own concurrency permit (real node, PostgreSQL and Redis).</summary>
public sealed class ReclaimedJobPermitTests
{
    /// <summary>
    /// A worker yields a job and is given it again (attempt 2) before the node has freed attempt 1's permit, which is
    /// freed in the background after the yield is stored. Holders are per attempt in Redis ("job:ID:ATTEMPT"), so the
    /// late release cannot remove the new attempt's holder; but the node tracked one attempt per job and worker, so
    /// claiming attempt 2 replaced attempt 1 there, and attempt 1's release found nothing to free: its holder stayed
    /// in Redis beside attempt 2's for a whole lease, the limit's capacity short by one with nothing running.
    /// </summary>
    [Fact]
    public async Task A_job_given_again_to_its_worker_before_its_old_attempt_was_released_leaves_only_the_new_attempts_permit()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(5)));
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.RulesDirectory = rules.Path;
            // The raw worker sends no heartbeats: its jobs stay held however slow the machine.
            o.LeaseDuration = RawWorker.HeldLease;
        });
        var gate = cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Gate;
        await using var redis = await Redis.RedisConnection.ConnectAsync(new Redis.RedisOptions { Url = await Testing.TestServices.RedisAsync() });
        var holders = $"{cluster.RedisPrefix}limit:{{host:reclaim.example.com}}:per-host:cc";
        // Two slots: one for the job, one free for it when it comes back.
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 2);
        await worker.Welcomed;
        await cluster.Client().EnqueueAsync(LimitJobs.ForHost("reclaim.example.com"));
        var first = await worker.NextAssignAsync();
        var jobId = long.Parse(first.JobId, System.Globalization.CultureInfo.InvariantCulture);
        var oldAttemptReleasing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oldAttemptReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.AroundRelease = async (id, attempt, release) =>
        {
            if (id != jobId || attempt != first.Attempt)
            {
                await release();
                return;
            }
            oldAttemptReleasing.TrySetResult();
            await goOn.Task;
            await release();
            oldAttemptReleased.TrySetResult();
        };

        var yielded = await worker.RequestAsync(new WorkerMessage { Yield = new Yield { JobId = first.JobId, Attempt = first.Attempt } });
        await oldAttemptReleasing.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await worker.NextAssignAsync();
        var bothHeld = await HoldersAsync(redis, holders);
        goOn.SetResult();
        await oldAttemptReleased.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(yielded.Ok, yielded.Error);
        Assert.Equal((first.JobId, 2), (second.JobId, second.Attempt));
        Assert.Equal(new[] { $"job:{jobId}:1", $"job:{jobId}:2" }, bothHeld);
        Assert.Equal(new[] { $"job:{jobId}:2" }, await HoldersAsync(redis, holders));
    }

    private static async Task<string[]> HoldersAsync(Redis.RedisConnection redis, string key) =>
        (await redis.Database.SortedSetRangeByRankAsync(key)).Select(h => h.ToString()).Order(StringComparer.Ordinal).ToArray();
}
