using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Protocol.V1;
using Worcr.Server.Limits;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Limits;

/// <summary>
/// A concurrency limit defined while jobs of its key run, on a real node, PostgreSQL and Redis: the jobs already
/// running count against it, and the holders the node registers for them are renewed and released like any other.
/// </summary>
public sealed class LimitDefinedWhileRunningTests
{
    /// <summary>The Redis counter of the tenant limit these tests define ("acme", capacity 2, tenant acme).</summary>
    private static string HoldersKey(TestCluster cluster) => $"{cluster.RedisPrefix}limit:{{tenant:acme}}:acme:cc";

    /// <summary>
    /// Three jobs of acme run, then a tenant limit of 2 is defined and two more are enqueued. The new ones start only
    /// once at most one of the three runs. Each start records how many jobs ran then, itself included. Without the
    /// holders rebuild on the definition change, the limit's counter was empty and both new jobs started at once
    /// beside the three (each saw 4 running).
    /// </summary>
    [Fact]
    public async Task A_concurrency_limit_defined_while_jobs_of_its_key_run_counts_them()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var jobs = new RunningJobs();
        var seenByLaterStarts = new ConcurrentQueue<int>();
        var laterDone = 0;
        var allLaterDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", async job =>
        {
            var running = jobs.Started(job.JobId);
            if (job.ArgsJson.Contains("later", StringComparison.Ordinal))
            {
                seenByLaterStarts.Enqueue(running);
                jobs.Finished();
                if (Interlocked.Increment(ref laterDone) == 2) allLaterDone.TrySetResult();
                return JobResult.Complete();
            }
            await jobs.FinishOf(job.JobId);
            jobs.Finished();
            return JobResult.Complete();
        }), concurrency: 8);
        var early = new List<string>();
        for (var i = 0; i < 3; i++) early.Add(await client.EnqueueAsync(Acme("early")));
        foreach (var id in early) await jobs.WhenStarted(id).WaitAsync(TimeSpan.FromSeconds(30));

        await DefineAcmeLimitAsync(cluster);
        for (var i = 0; i < 2; i++) await client.EnqueueAsync(Acme("later"));
        // The node looked at the later jobs while the three run: it started one, or it parked their lane.
        var parking = cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Gate.Parking;
        await cluster.Nodes[0].Signals.DispatchRounds.WaitUntilAsync(() => !seenByLaterStarts.IsEmpty || !parking.IsEmpty, TimeSpan.FromSeconds(30),
            "a later job started or its lane parked");
        // Two of the three finish, one at a time; the later jobs may start from the second on, one at a time.
        foreach (var id in early.Take(2))
        {
            jobs.Finish(id);
            await client.WaitForStateAsync(id, JobState.Completed);
        }
        await allLaterDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        jobs.Finish(early[2]);
        await client.WaitForStateAsync(early[2], JobState.Completed);

        Assert.All(seenByLaterStarts, running => Assert.InRange(running, 1, 2));
    }

    /// <summary>
    /// A job started before its tenant had a limit; the limit is defined, the holders are rebuilt (on that change, or
    /// as after a Redis reconnect: asked for here either way) and register it. When it finishes its holder goes. Its
    /// node released only the counters it remembered from the claim (none: the lane had no limit then), so the
    /// holder stayed after the release, a slot taken with nothing running until its lease lapsed.
    /// </summary>
    [Fact]
    public async Task A_holder_the_rebuild_registered_for_a_running_job_goes_when_the_job_finishes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var jobs = new RunningJobs();
        var (first, second) = await RunFirstBeforeTheLimitAndSecondUnderItAsync(cluster, jobs);
        await using var redis = await Redis.RedisConnection.ConnectAsync(new Redis.RedisOptions { Url = await Testing.TestServices.RedisAsync() });
        var gate = cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Gate;
        var released = new ConcurrentDictionary<long, TaskCompletionSource>();
        gate.AroundRelease = async (jobId, _, release) =>
        {
            await release();
            released.GetOrAdd(jobId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        };
        var whileBothRun = await HoldersAsync(redis, cluster);

        jobs.Finish(first);
        await released.GetOrAdd(JobNumber(first), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30));
        var afterTheFirst = await HoldersAsync(redis, cluster);
        jobs.Finish(second);
        await released.GetOrAdd(JobNumber(second), _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(30));
        var afterBoth = await HoldersAsync(redis, cluster);

        Assert.Equal(new[] { Holder(first), Holder(second) }.Order(StringComparer.Ordinal), whileBothRun);
        Assert.Equal([Holder(second)], afterTheFirst);
        Assert.Empty(afterBoth);
    }

    /// <summary>
    /// The same job's holder is renewed by its worker's heartbeats: here the counter is deleted (as a lapse or a
    /// Redis restart would lose it) and the next heartbeat registers the holder again. Heartbeats renewed only the
    /// counters remembered from the claim, so the holder was never renewed and lapsed while the job still ran.
    /// </summary>
    [Fact]
    public async Task A_holder_the_rebuild_registered_for_a_running_job_is_renewed_by_its_heartbeats()
    {
        await using var cluster = await TestCluster.StartAsync();
        var jobs = new RunningJobs();
        var (first, second) = await RunFirstBeforeTheLimitAndSecondUnderItAsync(cluster, jobs);
        await using var redis = await Redis.RedisConnection.ConnectAsync(new Redis.RedisOptions { Url = await Testing.TestServices.RedisAsync() });
        var whileBothRun = await HoldersAsync(redis, cluster);

        await redis.Database.KeyDeleteAsync(HoldersKey(cluster));
        var renewed = await Probe.WaitUntilAsync(async () => (await HoldersAsync(redis, cluster)).Contains(Holder(first)), TimeSpan.FromSeconds(10));
        jobs.Finish(first);
        jobs.Finish(second);

        Assert.Contains(Holder(first), whileBothRun);
        Assert.True(renewed, "the heartbeats did not register the holder the rebuild made for the job that started before its limit");
    }

    /// <summary>
    /// The first job of acme starts with no limit; then the tenant limit is defined, the holders rebuild is asked for,
    /// and a second job of acme starts under it (its grant is what runs the rebuild, which registers the first).
    /// </summary>
    private static async Task<(string First, string Second)> RunFirstBeforeTheLimitAndSecondUnderItAsync(TestCluster cluster, RunningJobs jobs)
    {
        var client = cluster.Client();
        cluster.StartWorker(0, w => w.Handle("test.echo", async job =>
        {
            jobs.Started(job.JobId);
            await jobs.FinishOf(job.JobId);
            jobs.Finished();
            return JobResult.Complete();
        }), concurrency: 4);
        var first = await client.EnqueueAsync(Acme("first"));
        await jobs.WhenStarted(first).WaitAsync(TimeSpan.FromSeconds(30));
        await DefineAcmeLimitAsync(cluster);
        cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Gate.RequireRebuild();
        var second = await client.EnqueueAsync(Acme("second"));
        await jobs.WhenStarted(second).WaitAsync(TimeSpan.FromSeconds(30));
        return (first, second);
    }

    /// <summary>Defines the tenant limit through the admin API and waits until the node has loaded it.</summary>
    private static async Task DefineAcmeLimitAsync(TestCluster cluster)
    {
        var catalog = cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Catalog;
        var defined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Changed += () =>
        {
            if (catalog.Current.Definitions.Count > 0) defined.TrySetResult();
        };
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        using var saved = await admin.PutAsync("/api/limits/acme", new { kind = "concurrency", match = new { by = "tenant", value = "acme" }, capacity = 2 });
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.StatusCode);
        await defined.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static async Task<string[]> HoldersAsync(Redis.RedisConnection redis, TestCluster cluster) =>
        (await redis.Database.SortedSetRangeByRankAsync(HoldersKey(cluster))).Select(h => h.ToString()).Order(StringComparer.Ordinal).ToArray();

    private static JobSpec Acme(string phase) => new() { Type = "test.echo", Tenant = "acme", ArgsJson = $$"""{"phase": "{{phase}}"}""" };

    private static long JobNumber(string jobId) => long.Parse(jobId, CultureInfo.InvariantCulture);

    private static string Holder(string jobId) => $"job:{jobId}:1";

    /// <summary>The jobs the test's worker runs: when each started, how many run, and the signal that lets each finish.</summary>
    private sealed class RunningJobs
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _started = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _finish = new();
        private int _running;

        /// <summary>Counts the job as running and returns how many run now, itself included.</summary>
        public int Started(string jobId)
        {
            var running = Interlocked.Increment(ref _running);
            Signal(_started, jobId).TrySetResult();
            return running;
        }

        public void Finished() => Interlocked.Decrement(ref _running);

        public Task WhenStarted(string jobId) => Signal(_started, jobId).Task;

        public Task FinishOf(string jobId) => Signal(_finish, jobId).Task;

        public void Finish(string jobId) => Signal(_finish, jobId).TrySetResult();

        private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string jobId) =>
            signals.GetOrAdd(jobId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
