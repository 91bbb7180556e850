using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Transport;

/// <summary>Message size limits: 4 MiB by default, NodeOptions.MaxMessageSize when set, in both directions.</summary>
public sealed class MessageLimitTests
{
    [Fact]
    public async Task A_request_over_the_4_MiB_default_is_resource_exhausted_and_stores_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var unlimited = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });

        var error = await Assert.ThrowsAsync<RpcException>(() => new Jobs.JobsClient(unlimited).EnqueueAsync(Enqueue(5 * 1024 * 1024)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, await cluster.CountAsync(Core.Jobs.JobState.Waiting));
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task A_request_over_a_configured_limit_is_resource_exhausted()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 1024 * 1024);
        using var unlimited = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = null });

        var error = await Assert.ThrowsAsync<RpcException>(() => new Jobs.JobsClient(unlimited).EnqueueAsync(Enqueue(2 * 1024 * 1024)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, await cluster.CountAsync(Core.Jobs.JobState.Waiting));
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    /// <summary>Args and result each fit in a message, but a Get answering both does not: the node refuses to send it.</summary>
    [Fact]
    public async Task A_reply_over_the_node_limit_is_resource_exhausted()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 1024 * 1024);
        var client = cluster.Client();
        var big = new string('x', 600 * 1024);
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = $"\"{big}\"" });
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete(big))));
        await Eventually.ReadUntilAsync(() => cluster.CountAsync(Core.Jobs.JobState.Completed), n => n == 1, TimeSpan.FromSeconds(30), "the job to complete");

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => client.GetAsync(id));

        Assert.Equal(WorcrErrorCode.ResourceExhausted, error.Code);
        await NodeProbe.AssertStillServesAsync(client);
    }

    private static EnqueueRequest Enqueue(int argsBytes) =>
        new() { Job = new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = $"\"{new string('x', argsBytes)}\"" } };
}
