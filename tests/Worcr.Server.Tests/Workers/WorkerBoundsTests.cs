using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

/// <summary>Credits stop at the capacity announced in Hello; an Assign too large to send never wedges a worker.</summary>
public sealed class WorkerBoundsTests
{
    [Fact]
    public async Task Huge_credits_from_a_worker_of_capacity_one_still_give_it_at_most_one_job_at_a_time()
    {
        // The greedy worker must hold its first job for the whole test: were its lease to end (it sends no heartbeats),
        // the job would be requeued and its slot freed, and a second Assign would be right, not a broken credit cap.
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        await using var greedy = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        await greedy.Welcomed;
        var first = await client.EnqueueAsync("test.echo", "acme");
        var held = await greedy.NextAssignAsync();
        await greedy.SendAsync(new WorkerMessage { Credit = new Credit { N = int.MaxValue } });
        await greedy.SendAsync(new WorkerMessage { Credit = new Credit { N = 1_000_000 } });
        // The Ack proves the node read the credits (one stream, read in order) before the next jobs arrive.
        Assert.True((await greedy.RequestAsync(StreamBindingTests.LogLine(held, "credits sent"))).Ok);

        var others = new List<string>();
        for (var i = 0; i < 6; i++) others.Add(await client.EnqueueAsync("test.echo", "acme"));
        // Another worker takes every job the greedy one cannot: once they are all done, dispatch had every chance.
        var completed = 0;
        cluster.StartWorker(0, w => w.Handle("test.echo", _ =>
        {
            Interlocked.Increment(ref completed);
            return Task.FromResult(JobResult.Complete());
        }));
        foreach (var id in others) await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(1, greedy.AssignsReceived);
        Assert.Equal(JobState.Running, (await client.GetAsync(first)).State);
        Assert.Equal(others.Count, Volatile.Read(ref completed));
    }

    [Fact]
    public async Task An_assign_over_the_message_limit_is_never_sent_the_job_is_dead_and_the_worker_gets_the_next_job()
    {
        await using var cluster = await TestCluster.StartAsync();
        // The worker's node sends at most 4 KiB; the job is enqueued on a node that accepts it. The raw worker holds the
        // next job without heartbeats: a lease longer than the test, so it is not requeued and assigned a second time.
        var small = await cluster.AddNodeAsync(options =>
        {
            options.MaxMessageSize = 4096;
            options.LeaseDuration = RawWorker.HeldLease;
        });
        var client = cluster.Client();
        await using var worker = await RawWorker.ConnectAsync(small, capacity: 1);
        await worker.Welcomed;

        var big = await client.EnqueueAsync("test.echo", "acme", new { blob = new string('x', 8000) });
        var dead = await client.WaitForStateAsync(big, JobState.Dead);
        var next = await client.EnqueueAsync("test.echo", "acme", new { n = 1 });
        var assign = await worker.NextAssignAsync();

        Assert.Contains("undeliverable", dead.LastError, StringComparison.Ordinal);
        Assert.Contains("4096", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(next, assign.JobId);
        Assert.Equal(1, worker.AssignsReceived);
        Assert.False(worker.Ended.IsCompleted);
        var done = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
        Assert.True(done.Ok, done.Error);
    }

    [Fact]
    public async Task A_worker_that_asks_for_acks_it_never_reads_is_cut_off_with_resource_exhausted()
    {
        await using var cluster = await TestCluster.StartAsync();
        var node = cluster.Nodes[0];
        using var channel = GrpcChannel.ForAddress(node.GrpcAddress);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        var hello = new Hello { WorkerId = $"deaf-{Guid.NewGuid():N}"[..16], Capacity = 1 };
        hello.JobTypes.Add("test.echo");
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
        await Eventually.ReadUntilAsync(() => Task.FromResult(node.ConnectedWorkers), n => n == 1, TimeSpan.FromSeconds(30), "the worker connected");

        // Each refused Complete queues an Ack of about 100 bytes that this worker never reads: far past the 16 MiB bound.
        // No cancellation token on the writes: cancelling one would cancel the whole call. A write blocked once the node
        // stopped reading fails when the call ends.
        var stop = 0;
        var flood = Task.Run(async () =>
        {
            for (ulong i = 1; i <= 400_000 && Volatile.Read(ref stop) == 0; i++)
            {
                await call.RequestStream.WriteAsync(new WorkerMessage { RequestId = i, Complete = new Complete { JobId = "1", Attempt = 1 } });
            }
        });
        await Eventually.ReadUntilAsync(() => Task.FromResult(node.ConnectedWorkers), n => n == 0, TimeSpan.FromSeconds(180), "the worker cut off");
        Volatile.Write(ref stop, 1);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var replies = new PatientReader<DispatcherMessage>(call.ResponseStream.ReadAllAsync(), TimeSpan.FromSeconds(30));
            while (await replies.MoveNextAsync())
            {
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("unread", error.Status.Detail, StringComparison.Ordinal);
        await flood.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }

    [Fact]
    public async Task A_watcher_that_stops_reading_is_cut_off_with_resource_exhausted_once_its_bytes_pass_the_bound()
    {
        // The raw worker sends no heartbeats: a lease longer than the test keeps its job held however slow the machine.
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var node = cluster.Nodes[0];
        var client = cluster.Client();
        var hub = node.Events.Hub;
        var subscribed = hub.WatcherAdded;
        var cutOff = hub.WatcherCutOff;
        using var channel = GrpcChannel.ForAddress(node.GrpcAddress);
        using var watch = new Protocol.V1.Jobs.JobsClient(channel).Watch(new WatchJobsRequest { Tenant = "acme" });
        await subscribed.WaitAsync(TimeSpan.FromSeconds(30));
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 1);
        await client.EnqueueAsync("test.echo", "acme");
        var assign = await worker.NextAssignAsync();

        // About 8 MiB of log events for a watcher that reads none of them (its bound is 4 MiB).
        var line = new string('x', 8000);
        for (var i = 0; i < 1000 && !cutOff.IsCompleted; i++) await worker.SendAsync(StreamBindingTests.LogLine(assign, line));
        await cutOff.WaitAsync(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await using var events = new PatientReader<JobEvent>(watch.ResponseStream.ReadAllAsync(), TimeSpan.FromSeconds(30));
            while (await events.MoveNextAsync())
            {
            }
        });
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("too slowly", error.Status.Detail, StringComparison.Ordinal);
        // The worker's stream and the node are unaffected.
        Assert.True((await worker.RequestAsync(StreamBindingTests.LogLine(assign, "still here"))).Ok);
        await NodeProbe.AssertStillServesAsync(client);
    }
}
