using Microsoft.Extensions.DependencyInjection;
using Worcr.Server.Limits;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.WorkerSdk;
using Worcr.Worker;

namespace Worcr.Server.Tests.Limits;

/// <summary>Job limits enforced at dispatch, on real nodes, PostgreSQL and Redis.</summary>
public sealed class JobLimitDispatchTests
{
    [Fact]
    public async Task A_concurrency_limit_of_5_holds_across_3_nodes_and_6_workers_and_every_job_completes()
    {
        const int jobCount = 60;
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(5)));
        await using var cluster = await TestCluster.StartAsync(nodes: 3, configure: o => o.RulesDirectory = rules.Path);
        var peak = new PeakCounter();
        var done = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var worker = 0; worker < 6; worker++)
        {
            cluster.StartWorker(worker % 3, w => w.Handle("test.echo", async _ =>
            {
                peak.Enter();
                // Simulated work, so that jobs overlap; nothing waits on it.
                await Task.Delay(15);
                peak.Leave();
                if (Interlocked.Increment(ref done) == jobCount) allDone.TrySetResult();
                return JobResult.Complete();
            }), concurrency: 4);
        }

        await cluster.Client().EnqueueBatchAsync(Enumerable.Range(0, jobCount).Select(_ => LimitJobs.ForHost("api.example.com")));
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(peak.Peak, 1, 5);
    }

    [Fact]
    public async Task A_tenant_limit_defined_after_its_jobs_were_enqueued_holds_the_jobs_still_waiting()
    {
        const int jobCount = 24;
        await using var cluster = await TestCluster.StartAsync();
        // Enqueued while no limit exists: their lane stores no limit key.
        await cluster.Client().EnqueueBatchAsync(Enumerable.Range(0, jobCount).Select(_ => LimitJobs.Tagged("plain")));
        var catalog = cluster.Nodes[0].Services.GetRequiredService<NodeLimits>().Catalog;
        var defined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        catalog.Changed += () =>
        {
            if (catalog.Current.Definitions.Count > 0) defined.TrySetResult();
        };
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        using var saved = await admin.PutAsync("/api/limits/acme", new { kind = "concurrency", match = new { by = "tenant", value = "acme" }, capacity = 2 });
        await defined.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var peak = new PeakCounter();
        var done = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", async _ =>
        {
            peak.Enter();
            // Simulated work, so that jobs overlap; nothing waits on it.
            await Task.Delay(15);
            peak.Leave();
            if (Interlocked.Increment(ref done) == jobCount) allDone.TrySetResult();
            return JobResult.Complete();
        }), concurrency: 8);
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(System.Net.HttpStatusCode.OK, saved.StatusCode);
        Assert.InRange(peak.Peak, 1, 2);
    }

    [Fact]
    public async Task Jobs_held_back_by_a_limit_do_not_delay_an_unlimited_lane()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(1)));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var client = cluster.Client();
        var releaseLimited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limitedDone = 0;
        var unlimitedDone = 0;
        var limitedDoneWhenUnlimitedFinished = -1;
        var unlimitedAllDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limitedAllDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w
            .Handle("test.slow", async _ =>
            {
                // The one permit of the limited lane stays taken until the unlimited lane has drained.
                await releaseLimited.Task;
                if (Interlocked.Increment(ref limitedDone) == 10) limitedAllDone.TrySetResult();
                return JobResult.Complete();
            })
            .Handle("test.echo", _ =>
            {
                if (Interlocked.Increment(ref unlimitedDone) == 20)
                {
                    limitedDoneWhenUnlimitedFinished = Volatile.Read(ref limitedDone);
                    unlimitedAllDone.TrySetResult();
                }
                return Task.FromResult(JobResult.Complete());
            }), concurrency: 4);

        await client.EnqueueBatchAsync(Enumerable.Range(0, 10).Select(_ => LimitJobs.ForHost("slow.example.com", "test.slow")));
        await client.EnqueueBatchAsync(Enumerable.Range(0, 20).Select(_ => LimitJobs.Tagged("plain")));
        await unlimitedAllDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        releaseLimited.TrySetResult();
        await limitedAllDone.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, limitedDoneWhenUnlimitedFinished);
        Assert.Equal(10, limitedDone);
    }

    [Fact]
    public async Task A_token_bucket_job_limit_paces_dispatch()
    {
        const int jobCount = 45;
        var limit = new { name = "paced", kind = "token_bucket", match = new { by = "tag", value = "paced" }, capacity = 20, period = "1s", burst = 5 };
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(limit));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var starts = new List<TimeSpan>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ =>
        {
            lock (starts)
            {
                starts.Add(clock.Elapsed);
                if (starts.Count == jobCount) allDone.TrySetResult();
            }
            return Task.FromResult(JobResult.Complete());
        }), concurrency: 16);

        await cluster.Client().EnqueueBatchAsync(Enumerable.Range(0, jobCount).Select(_ => LimitJobs.Tagged("paced")));
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // 5 at once, then 20 a second: the 40 after the burst need about 2 s. Loose bounds: a busy machine is slow,
        // never fast, and no second may see much more than its 20 plus the burst.
        var spread = starts[^1] - starts[0];
        var busiestSecond = starts.Max(start => starts.Count(s => s >= start && s < start + TimeSpan.FromSeconds(1)));
        Assert.InRange(spread, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(20));
        Assert.InRange(busiestSecond, 1, 30);
    }

    [Fact]
    public async Task Concurrency_permits_of_running_jobs_come_back_at_the_next_heartbeat_after_redis_lost_them()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(2)));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", async _ =>
        {
            running.TrySetResult();
            await finish.Task;
            return JobResult.Complete();
        }), concurrency: 1);
        await cluster.Client().EnqueueAsync(LimitJobs.ForHost("lost.example.com"));
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var redis = await Redis.RedisConnection.ConnectAsync(new Redis.RedisOptions { Url = await Testing.TestServices.RedisAsync() });
        var key = $"{cluster.RedisPrefix}limit:{{host:lost.example.com}}:per-host:cc";

        var before = await redis.Database.SortedSetLengthAsync(key);
        await redis.Database.KeyDeleteAsync(key);
        var restored = await Probe.WaitUntilAsync(async () => await redis.Database.SortedSetLengthAsync(key) == 1, TimeSpan.FromSeconds(10));
        finish.TrySetResult();

        Assert.Equal(1, before);
        Assert.True(restored, "the running job's permit was not registered again");
    }

    /// <summary>
    /// A lane under two limits, the second of which fails in Redis (its key holds the wrong type): what the first one
    /// granted goes back each time. It was kept, so a lane retried every second through the failure used up its daily
    /// window while no job ran.
    /// </summary>
    [Fact]
    public async Task What_an_earlier_limit_granted_goes_back_when_a_later_one_fails()
    {
        var daily = new { name = "daily", kind = "fixed_window", match = new { by = "args", field = "host" }, capacity = 1000, period = "24h" };
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(daily, LimitJobs.PerHost(2)));
        var logs = new CapturingLoggerProvider();
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path, logs: logs);
        await using var redis = await Redis.RedisConnection.ConnectAsync(new Redis.RedisOptions { Url = await Testing.TestServices.RedisAsync() });
        var keys = $"{cluster.RedisPrefix}limit:{{host:broken.example.com}}";
        await redis.Database.StringSetAsync($"{keys}:per-host:cc", "not a sorted set");

        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        await cluster.Client().EnqueueAsync(LimitJobs.ForHost("broken.example.com"));
        var failedThrice = await Probe.WaitUntilAsync(() => Task.FromResult(logs.Lines.Count(l => l.EventId.Id == 8006) >= 3), TimeSpan.FromSeconds(30));

        await cluster.Nodes[0].StopAsync();

        Assert.True(failedThrice, "the lane's limits were not checked three times");
        // The node stopped, so no round is under way: every unit the daily window granted went back (24 were kept here).
        Assert.Equal(0L, (long)await redis.Database.HashGetAsync($"{keys}:daily:fw", "n"));
    }
}
