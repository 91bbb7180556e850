using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Redis;
using Worcr.Redis.Limits;
using Worcr.Server.Limits;
using Worcr.Testing;

namespace Worcr.Server.Tests.Limits;

/// <summary>The concurrency permits a worker's stream end frees, with a claim for that worker still in flight, against a real Redis.</summary>
public sealed class StreamEndPermitTests
{
    private const string Host = "host:stream-end.example.com";

    /// <summary>
    /// The calls the node makes when a worker's stream ends while the dispatch loop is claiming a job for it, in the
    /// order that lost the permit: the stream's end reads the worker's permits (job 1) and frees them one by one; the
    /// claim settles job 2's permit meanwhile (tracked under the worker, holder in Redis), then finds the worker gone
    /// and gives job 2 back, releasing its permit. The stream's end used to forget the worker as a whole once it had
    /// freed what it read, job 2 with it, so the give-back's release found nothing to free: job 2's holder stayed in
    /// Redis, a slot taken with nothing running, until its lease lapsed (30 s).
    /// </summary>
    [Fact]
    public async Task A_permit_settled_while_the_workers_stream_end_frees_its_permits_is_freed_when_the_claim_gives_its_job_back()
    {
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = TestServices.NewKeyPrefix("stream-end") });
        var limiter = new RedisLimiter(redis, redis.Options.KeyPrefix);
        var perHost = new LimitDefinition("per-host", LimitKind.Concurrency, new LimitMatch("args", "host", null), 5, TimeSpan.Zero, 0, LimitMode.Job, true, "file");
        var limits = new LimitSet([perHost]);
        var gate = new LimitGate(limiter, () => limits, TimeSpan.FromSeconds(30), NullLogger.Instance);
        var lane = new Lane(1, "acme", "test.echo", [], 1) { LimitKeys = [Host] };
        var holders = limiter.KeysOf(perHost.CounterFor(Host))[0];
        await ClaimAsync(gate, lane, jobId: 1);
        var streamEndReadPermits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.AroundRelease = async (jobId, _, release) =>
        {
            if (jobId == 1)
            {
                streamEndReadPermits.TrySetResult();
                await goOn.Task;
            }
            await release();
        };

        var streamEnd = gate.ReleaseWorkerAsync("w-1");
        await streamEndReadPermits.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await ClaimAsync(gate, lane, jobId: 2);
        var whileInFlight = await redis.Database.SortedSetRangeByRankAsync(holders);
        goOn.SetResult();
        await streamEnd.WaitAsync(TimeSpan.FromSeconds(30));
        await gate.ReleaseAsync("w-1", 2, 1);

        Assert.Equal(new[] { "job:1:1", "job:2:1" }, whileInFlight.Select(h => h.ToString()).Order(StringComparer.Ordinal));
        Assert.Empty((await redis.Database.SortedSetRangeByRankAsync(holders)).Select(h => h.ToString()));
    }

    /// <summary>What the dispatch loop does for one claimed job: permits acquired for the lane, then settled on the job.</summary>
    private static async Task ClaimAsync(LimitGate gate, Lane lane, long jobId)
    {
        var permits = await gate.AcquireAsync(lane, 1, CancellationToken.None);
        Assert.Equal(1, permits.Decision.Granted);
        var job = new ClaimedJob(jobId, 1, lane, "{}", 3, DateTimeOffset.UtcNow, null, new Dictionary<string, string>());
        await gate.SettleAsync(permits, "w-1", [job], CancellationToken.None);
    }
}
