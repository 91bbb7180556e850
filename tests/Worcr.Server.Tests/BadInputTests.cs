using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Admin;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests;

/// <summary>
/// Whatever a producer or worker sends, the node answers with a clean status naming the problem, and keeps serving.
/// Malformed gRPC itself (frames, sizes, encodings) is in Transport/MalformedGrpcTests.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Unknown_job_type_gets_failed_precondition_naming_the_type()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => client.EnqueueAsync("test.typo", "acme"));

        Assert.Equal(WorcrErrorCode.FailedPrecondition, error.Code);
        Assert.Contains("'test.typo'", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Missing_tenant_gets_invalid_argument_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => client.EnqueueAsync(new JobSpec { Type = "test.echo" }));

        Assert.Equal(WorcrErrorCode.InvalidArgument, error.Code);
        Assert.Contains("job.tenant", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Invalid_args_json_gets_invalid_argument_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() =>
            client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{\"x\": " }));

        Assert.Equal(WorcrErrorCode.InvalidArgument, error.Code);
        Assert.Contains("job.args_json", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Worker_stream_that_does_not_start_with_hello_gets_invalid_argument()
    {
        await using var cluster = await TestCluster.StartAsync();

        var error = await ConnectAndSendAsync(cluster, new WorkerMessage { Heartbeat = new Heartbeat() });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Hello", error.Status.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Hello_without_job_types_gets_invalid_argument()
    {
        await using var cluster = await TestCluster.StartAsync();

        var error = await ConnectAndSendAsync(cluster, new WorkerMessage { Hello = new Hello { WorkerId = "w-no-types", Capacity = 1 } });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job_types", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public async Task Hello_withholding_credits_outside_its_capacity_gets_invalid_argument(int withheld)
    {
        await using var cluster = await TestCluster.StartAsync();

        var error = await ConnectAndSendAsync(cluster, new WorkerMessage
        {
            Hello = new Hello { WorkerId = "w-credits", Capacity = 2, WithheldCredits = withheld, JobTypes = { "test.echo" } },
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("withheld_credits", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    /// <summary>Opens a Connect stream, sends one message, and returns the status the node ends the stream with.</summary>
    private static async Task<RpcException> ConnectAndSendAsync(TestCluster cluster, WorkerMessage first)
    {
        using var channel = GrpcChannel.ForAddress(cluster.Nodes[0].GrpcAddress);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        await call.RequestStream.WriteAsync(first);
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var replies = call.ReadPatiently();
            while (await replies.MoveNextAsync()) Assert.Fail($"The node answered {replies.Current.MessageCase} instead of refusing.");
        });
    }
}
