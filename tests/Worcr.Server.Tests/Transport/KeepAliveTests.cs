using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Transport;

/// <summary>
/// HTTP/2 keep-alive on the gRPC port (KeepAlivePingDelay, KeepAlivePingTimeout): the node PINGs a connection that
/// went quiet; a live client answers and its idle stream goes on, a peer that stopped answering (nothing closed) is
/// dropped, and the job it held runs elsewhere well before its lease would have run out.
/// </summary>
public sealed class KeepAliveTests
{
    private static void FastPings(Server.Hosting.NodeOptions options)
    {
        options.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
        options.KeepAlivePingTimeout = TimeSpan.FromSeconds(2);
        // Only the keep-alive can free the held job within the test's patience.
        options.LeaseDuration = TimeSpan.FromMinutes(10);
    }

    [Fact]
    public async Task A_worker_stream_idle_for_several_ping_delays_answers_the_pings_and_still_gets_its_job()
    {
        await using var cluster = await TestCluster.StartAsync(configure: FastPings);
        await using var relay = new Http2PingRelay(cluster.Nodes[0].GrpcAddress);
        using var channel = GrpcChannel.ForAddress(relay.Address);
        using var call = await ConnectAsync(channel);

        // Three answered PINGs: the node saw nothing from this connection for a whole delay, three times over.
        await relay.WaitForPingAcksAsync(3, TimeSpan.FromSeconds(60));
        var id = await cluster.Client().EnqueueAsync("test.echo", "acme");

        Assert.Equal(id, (await NextAssignAsync(call)).JobId);
        Assert.Equal(1, relay.Connections);
    }

    [Fact]
    public async Task A_peer_that_stops_answering_is_dropped_and_its_job_runs_on_another_worker()
    {
        await using var cluster = await TestCluster.StartAsync(configure: FastPings);
        var client = cluster.Client();
        await using var relay = new Http2PingRelay(cluster.Nodes[0].GrpcAddress);
        using var channel = GrpcChannel.ForAddress(relay.Address);
        using var call = await ConnectAsync(channel);
        var id = await client.EnqueueAsync("test.echo", "acme");
        Assert.Equal(id, (await NextAssignAsync(call)).JobId);

        relay.Silence();
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));

        // The lease lasts 10 minutes: only the node giving up on the silent connection releases the job this soon.
        var job = await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(60));
        Assert.Equal(2, job.Attempt);
    }

    private static async Task<AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage>> ConnectAsync(GrpcChannel channel)
    {
        var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        await call.RequestStream.WriteAsync(new WorkerMessage
        {
            Hello = new Hello { WorkerId = "idle-" + Guid.NewGuid().ToString("N")[..8], Capacity = 1, JobTypes = { "test.echo" } },
        });
        Assert.Equal(DispatcherMessage.MessageOneofCase.Welcome, (await NextAsync(call)).MessageCase);
        return call;
    }

    private static async Task<Assign> NextAssignAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        while (true)
        {
            if ((await NextAsync(call)).Assign is { } assign) return assign;
        }
    }

    private static async Task<DispatcherMessage> NextAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (!await call.ResponseStream.MoveNext(patience.Token)) throw new InvalidOperationException("The node ended the stream.");
        return call.ResponseStream.Current;
    }
}
