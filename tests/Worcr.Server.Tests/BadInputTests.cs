using Google.Protobuf.WellKnownTypes;
using Worcr.Grpc;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests;

/// <summary>Whatever a producer or worker sends, the node answers with a clean status naming the problem, and keeps serving.</summary>
public sealed class BadInputTests
{
    private static readonly Method<Empty, Empty> NoSuchMethod = new("worcr.v1.Jobs", "NoSuchMethod", MethodType.Unary, Empty.Parser, Empty.Parser);

    [Fact]
    public async Task Unknown_job_type_gets_failed_precondition_naming_the_type()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.EnqueueAsync("test.typo", "acme"));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("'test.typo'", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Missing_tenant_gets_invalid_argument_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<RpcException>(() => client.EnqueueAsync(new JobSpec { Type = "test.echo" }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job.tenant", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Invalid_args_json_gets_invalid_argument_naming_the_field()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{\"x\": " }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job.args_json", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Message_over_the_node_limit_gets_resource_exhausted()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.MaxMessageSize = 1024 * 1024);
        using var bigSender = new GrpcChannel(cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxSendMessageSize = 8 * 1024 * 1024 });
        var twoMegabytes = new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = $"\"{new string('x', 2 * 1024 * 1024)}\"" };

        var error = await Assert.ThrowsAsync<RpcException>(() => bigSender.UnaryAsync(WorcrMethods.Enqueue, new EnqueueRequest { Job = twoMegabytes }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(0, await cluster.CountAsync(Core.Jobs.JobState.Waiting));
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Bytes_that_are_not_protobuf_get_internal()
    {
        await using var cluster = await TestCluster.StartAsync();
        // Field 1 (job) says it is 127 bytes long, but only garbage and then the end follow.
        byte[] notProtobuf = [0x0A, 0x7F, 0xFF, 0xFF, 0xFF];

        var result = await RawGrpcCall.PostAsync(cluster.Nodes[0].GrpcAddress, WorcrMethods.Enqueue.FullName, RawGrpcCall.Frame(notProtobuf.Length, notProtobuf));

        Assert.Equal(200, result.HttpStatus);
        Assert.Equal((int)StatusCode.Internal, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Frame_whose_length_prefix_is_longer_than_its_body_gets_a_clean_error_status()
    {
        await using var cluster = await TestCluster.StartAsync();
        byte[] tenBytes = [.. Enumerable.Repeat((byte)0x08, 10)];

        var result = await RawGrpcCall.PostAsync(cluster.Nodes[0].GrpcAddress, WorcrMethods.Enqueue.FullName, RawGrpcCall.Frame(100, tenBytes));

        Assert.Equal(200, result.HttpStatus);
        Assert.NotNull(result.GrpcStatus);
        Assert.NotEqual((int)StatusCode.OK, result.GrpcStatus);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Unknown_method_gets_unimplemented()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var channel = new GrpcChannel(cluster.Nodes[0].GrpcAddress);

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(NoSuchMethod, new Empty()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Worker_stream_that_does_not_start_with_hello_gets_invalid_argument()
    {
        await using var cluster = await TestCluster.StartAsync();

        var error = await ConnectAndSendAsync(cluster, new WorkerMessage { Heartbeat = new Heartbeat() });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("Hello", error.Detail, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task Hello_without_job_types_gets_invalid_argument()
    {
        await using var cluster = await TestCluster.StartAsync();

        var error = await ConnectAndSendAsync(cluster, new WorkerMessage { Hello = new Hello { WorkerId = "w-no-types", Capacity = 1 } });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("job_types", error.Detail, StringComparison.Ordinal);
        Assert.Equal(0, cluster.Nodes[0].ConnectedWorkers);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    /// <summary>Opens a Connect stream, sends one message, and returns the status the node ends the stream with.</summary>
    private static async Task<RpcException> ConnectAndSendAsync(TestCluster cluster, WorkerMessage first)
    {
        using var channel = new GrpcChannel(cluster.Nodes[0].GrpcAddress);
        await using var call = channel.Duplex(WorcrMethods.Connect);
        await call.WriteAsync(first);
        return await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var replies = call.ReadPatiently();
            while (await replies.MoveNextAsync()) Assert.Fail($"The node answered {replies.Current.MessageCase} instead of refusing.");
        });
    }
}
