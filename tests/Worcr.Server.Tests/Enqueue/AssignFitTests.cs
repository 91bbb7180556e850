using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;
using CoreState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>Whatever is accepted can be delivered: a job whose Assign could exceed the message limit is refused at enqueue.</summary>
public sealed class AssignFitTests
{
    [Fact]
    public async Task Args_that_could_not_reach_a_worker_are_refused_at_enqueue_naming_the_limit()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 1024 * 1024);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);

        // 900 KiB of args fit the 1 MiB request, but not beside the 256 KiB (a quarter) kept for checkpoints in an Assign.
        var error = await Assert.ThrowsAsync<RpcException>(() => new Jobs.JobsClient(channel).EnqueueAsync(
            new EnqueueRequest { Job = new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = $"\"{new string('x', 900 * 1024)}\"" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job.args_json", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxMessageSize", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains((1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, await cluster.CountAsync(CoreState.Waiting));
    }

    [Fact]
    public async Task Args_that_grow_once_stored_count_as_stored()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 2 * 1024 * 1024);
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        // 100 KiB as sent; PostgreSQL prints each 1e300 as 301 digits: about 6 MiB once stored.
        var args = "[" + string.Join(",", Enumerable.Repeat("1e300", 20_000)) + "]";

        var error = await Assert.ThrowsAsync<RpcException>(() => new Jobs.JobsClient(channel).EnqueueAsync(
            new EnqueueRequest { Job = new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = args } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("once stored", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_accepted_args_are_delivered_and_the_job_completes()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 3 * 1024 * 1024);
        var client = cluster.Client();
        // Just under 1 MiB once stored: below the args limit, and within 3 MiB beside the 768 KiB of checkpoint room.
        var big = new string('x', 1024 * 1024 - 100);
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = $"\"{big}\"" });
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", job =>
        {
            received.TrySetResult(job.ArgsJson.Length);
            return Task.FromResult(JobResult.Complete("{}"));
        }));

        await client.WaitForStateAsync(id, Protocol.V1.JobState.Completed, TimeSpan.FromSeconds(60));

        Assert.Equal(big.Length + 2, await received.Task);
    }
}
