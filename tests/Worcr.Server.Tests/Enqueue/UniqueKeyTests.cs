using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Enqueue;

public sealed class UniqueKeyTests
{
    [Fact]
    public async Task A_duplicate_enqueue_of_a_live_job_returns_its_id_marked_duplicate()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0].GrpcAddress;

        var first = await EnqueueCalls.EnqueueAsync(node, Keyed("report-1"));
        var second = await EnqueueCalls.EnqueueAsync(node, Keyed("report-1"));

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.JobId, second.JobId);
        Assert.Equal(1, await cluster.LiveJobsAsync());
    }

    [Fact]
    public async Task After_the_first_job_completes_the_same_key_makes_a_new_job()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0].GrpcAddress;
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var first = await EnqueueCalls.EnqueueAsync(node, Keyed("report-2"));
        await cluster.Client().WaitForStateAsync(first.JobId, JobState.Completed);

        var again = await EnqueueCalls.EnqueueAsync(node, Keyed("report-2"));

        Assert.False(again.Duplicate);
        Assert.NotEqual(first.JobId, again.JobId);
        await cluster.Client().WaitForStateAsync(again.JobId, JobState.Completed);
    }

    [Fact]
    public async Task Within_its_unique_window_a_completed_jobs_key_still_returns_the_first_id()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0].GrpcAddress;
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var windowed = Keyed("report-3");
        windowed.UniqueWindow = Duration.FromTimeSpan(TimeSpan.FromHours(1));
        var first = await EnqueueCalls.EnqueueAsync(node, windowed);
        await cluster.Client().WaitForStateAsync(first.JobId, JobState.Completed);

        var again = await EnqueueCalls.EnqueueAsync(node, windowed);

        Assert.True(again.Duplicate);
        Assert.Equal(first.JobId, again.JobId);
        Assert.Equal(JobState.Completed, again.State);
    }

    [Fact]
    public async Task Concurrent_single_enqueues_with_one_key_make_one_job_and_all_return_its_id()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0].GrpcAddress;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => EnqueueCalls.EnqueueAsync(node, Keyed("report-4"))));

        Assert.Single(responses.Select(r => r.JobId).Distinct());
        Assert.Single(responses, r => !r.Duplicate);
        Assert.Equal(1, await cluster.LiveJobsAsync());
    }

    private static JobSpec Keyed(string key) => new() { Type = "test.echo", Tenant = "acme", UniqueKey = key };
}
