using Grpc.Core;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// Batches on the Connect stream (docs/protocol.md §3.8): a worker that sets Hello.batches may get several messages in
/// one DispatcherBatch, and any worker may send a WorkerBatch once the Welcome says the node reads them. A worker that
/// does not ask gets every message on its own, as before.
/// </summary>
public sealed class BatchedMessagesTests
{
    [Fact]
    public async Task Outcomes_and_the_credit_they_free_sent_in_one_batch_are_each_acknowledged_and_honoured()
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        var ids = await EnqueueAsync(cluster, 4);
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 4, batches: true);
        Assert.True((await worker.Welcomed).Batches, "the Welcome says the node reads WorkerBatch");
        var assigns = await TakeAssignsAsync(worker, 4);

        var acks = await worker.RequestBatchAsync(
            assigns.Select(a => new WorkerMessage { Complete = new Complete { JobId = a.JobId, Attempt = a.Attempt, ResultJson = """{"batched":true}""" } }).ToList(),
            new WorkerMessage { Credit = new Credit { N = 4 } });

        Assert.All(acks, ack => Assert.True(ack.Ok, ack.Error));
        foreach (var id in ids) Assert.Contains("batched", (await client.WaitForStateAsync(id, JobState.Completed)).ResultJson, StringComparison.Ordinal);
        // The credit inside the batch was taken: new jobs come.
        var more = new[] { await client.EnqueueAsync("test.echo", "acme"), await client.EnqueueAsync("test.echo", "acme") };
        var next = new[] { await worker.NextAssignAsync(), await worker.NextAssignAsync() };
        Assert.Equal(more.Order(), next.Select(a => a.JobId).Order());
    }

    [Fact]
    public async Task A_worker_that_does_not_ask_for_batches_gets_every_message_on_its_own()
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var ids = await EnqueueAsync(cluster, 20);
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 20);
        await worker.Welcomed;

        var assigns = await TakeAssignsAsync(worker, 20);
        var acks = await Task.WhenAll(assigns.Select(a => worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = a.JobId, Attempt = a.Attempt } })));

        Assert.All(acks, ack => Assert.True(ack.Ok, ack.Error));
        Assert.Equal(ids.Order(), assigns.Select(a => a.JobId).Order());
        Assert.Equal(0, worker.BatchesReceived);
    }

    [Fact]
    public async Task A_worker_that_asks_for_batches_gets_every_job_once_whatever_they_arrive_in()
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var ids = await EnqueueAsync(cluster, 20);
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 20, batches: true);
        await worker.Welcomed;

        var assigns = await TakeAssignsAsync(worker, 20);
        var acks = await worker.RequestBatchAsync(assigns.Select(a => new WorkerMessage { Complete = new Complete { JobId = a.JobId, Attempt = a.Attempt } }).ToList());

        Assert.All(acks, ack => Assert.True(ack.Ok, ack.Error));
        Assert.Equal(ids.Order(), assigns.Select(a => a.JobId).Order());
        Assert.Equal(20, worker.AssignsReceived);
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("hello")]
    public async Task A_batch_holding_another_batch_or_a_hello_ends_the_stream_with_invalid_argument(string inside)
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1, batches: true);
        await worker.Welcomed;
        var inner = inside == "batch"
            ? new WorkerMessage { Batch = new WorkerBatch { Messages = { new WorkerMessage { Heartbeat = new Heartbeat() } } } }
            : new WorkerMessage { Hello = new Hello { WorkerId = "again", Capacity = 1, JobTypes = { "test.echo" } } };

        await worker.SendAsync(new WorkerMessage { Batch = new WorkerBatch { Messages = { new WorkerMessage { Heartbeat = new Heartbeat() }, inner } } });
        var refusal = await worker.Ended;

        Assert.NotNull(refusal);
        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
    }

    [Fact]
    public async Task A_node_whose_message_limit_is_below_twice_a_batch_does_not_offer_batches()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.MaxMessageSize = 100 * 1024;
            o.LeaseDuration = RawWorker.HeldLease;
        });
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1, batches: true);

        Assert.False((await worker.Welcomed).Batches);
    }

    private static async Task<List<string>> EnqueueAsync(TestCluster cluster, int count)
    {
        var client = cluster.Client();
        var ids = new List<string>();
        for (var i = 0; i < count; i++) ids.Add(await client.EnqueueAsync("test.echo", "acme"));
        return ids;
    }

    private static async Task<List<Assign>> TakeAssignsAsync(RawWorker worker, int count)
    {
        var assigns = new List<Assign>();
        for (var i = 0; i < count; i++) assigns.Add(await worker.NextAssignAsync());
        return assigns;
    }
}
