using System.Collections.Concurrent;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;
using ProtoJobState = Worcr.Protocol.V1.JobState;

namespace Worcr.Server.Tests;

public sealed class EndToEndTests
{
    [Fact]
    public async Task Enqueued_job_is_completed_by_a_connected_worker_with_its_result()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", context => Task.FromResult(JobResult.Complete(new { echoed = context.Args<Dictionary<string, int>>()["x"] }))));
        var client = cluster.Client();

        var id = await client.EnqueueAsync("test.echo", "acme", new { x = 42 }, ["a", "b"]);
        var job = await client.WaitForStateAsync(id, ProtoJobState.Completed);

        Assert.Equal("acme", job.Tenant);
        Assert.Equal(["a", "b"], job.Tags);
        Assert.Equal(1, job.Attempt);
        Assert.Contains("42", job.ResultJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_nodes_and_two_workers_complete_2000_jobs_each_exactly_once()
    {
        const int jobCount = 2000;
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var runs = new ConcurrentDictionary<string, int>();
        var allRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JobHandler handler = context =>
        {
            if (runs.AddOrUpdate(context.JobId, 1, (_, n) => n + 1) == 1 && runs.Count == jobCount) allRan.TrySetResult();
            return Task.FromResult(JobResult.Complete());
        };
        cluster.StartWorker(0, w => w.Handle("test.echo", handler), concurrency: 16);
        cluster.StartWorker(1, w => w.Handle("test.echo", handler), concurrency: 16);

        var specs = Enumerable.Range(0, jobCount).Select(i => new JobSpec { Type = "test.echo", Tenant = $"t{i % 7}", ArgsJson = $"{{\"i\":{i}}}" });
        var ids = await cluster.Client(0).EnqueueBatchAsync(specs);
        await allRan.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cluster.Client(1).WaitForStateAsync(ids[^1], ProtoJobState.Completed);
        await cluster.WaitForCountAsync(CoreJobState.Completed, jobCount, TimeSpan.FromSeconds(60));

        Assert.Equal(jobCount, ids.Distinct().Count());
        Assert.All(runs.Values, count => Assert.Equal(1, count));
        Assert.Equal(jobCount, await cluster.CountAsync(CoreJobState.Completed));
    }

    [Fact]
    public async Task A_failed_job_is_retried_and_completes_on_its_second_attempt()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
            Task.FromResult(context.Attempt == 1 ? JobResult.Fail("flaky downstream") : JobResult.Complete())));
        var client = cluster.Client();

        var id = await client.EnqueueAsync("test.echo", "acme");
        var job = await client.WaitForStateAsync(id, ProtoJobState.Completed);

        Assert.Equal(2, job.Attempt);
    }

    [Fact]
    public async Task A_job_failing_every_attempt_ends_dead_after_max_attempts()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Fail("always broken"))));
        var client = cluster.Client();

        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 3 });
        var job = await client.WaitForStateAsync(id, ProtoJobState.Dead);

        Assert.Equal(3, job.Attempt);
        Assert.Equal("always broken", job.LastError);
    }

    [Fact]
    public async Task A_non_retryable_failure_goes_straight_to_dead()
    {
        await using var cluster = await TestCluster.StartAsync();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Fail("bad input", retryable: false))));
        var client = cluster.Client();

        var id = await client.EnqueueAsync("test.echo", "acme");
        var job = await client.WaitForStateAsync(id, ProtoJobState.Dead);

        Assert.Equal(1, job.Attempt);
    }

    [Fact]
    public async Task A_job_enqueued_before_any_worker_waits_and_runs_once_a_worker_connects()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        Assert.Equal(ProtoJobState.Waiting, (await client.GetAsync(id)).State);

        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));

        await client.WaitForStateAsync(id, ProtoJobState.Completed);
    }

    [Fact]
    public async Task Credits_bound_the_jobs_a_worker_holds_at_once()
    {
        await using var cluster = await TestCluster.StartAsync();
        var running = 0;
        var maxRunning = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var threeRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.slow", async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            if (now == 3) threeRunning.TrySetResult();
            await release.Task;
            Interlocked.Decrement(ref running);
            return JobResult.Complete();
        }), concurrency: 3);
        var client = cluster.Client();
        var ids = await client.EnqueueBatchAsync(Enumerable.Range(0, 10).Select(_ => new JobSpec { Type = "test.slow", Tenant = "acme" }));

        await threeRunning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(7, await cluster.CountAsync(CoreJobState.Waiting));
        release.SetResult();
        foreach (var id in ids) await client.WaitForStateAsync(id, ProtoJobState.Completed);

        Assert.Equal(3, maxRunning);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
