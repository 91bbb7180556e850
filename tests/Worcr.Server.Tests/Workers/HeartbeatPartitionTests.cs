using Npgsql;
using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A network partition between a node and PostgreSQL gives no error, only silence: a heartbeat's lease renewal waits
/// for Npgsql's timeout. The node renewed on the stream's read loop, so everything the worker sent after a heartbeat
/// (its jobs' outcomes, progress, logs, credits) waited that long too. The node here reaches PostgreSQL through a
/// <see cref="TcpProxy"/> that the test stalls for as long as it wants, and its Npgsql timeouts are longer than the
/// test's patience, so a renewal the partition holds cannot give up before the test does.
/// </summary>
public sealed class HeartbeatPartitionTests
{
    /// <summary>Npgsql's connect and command timeouts for the partitioned node, far beyond the 30 s a raw worker waits for an Ack.</summary>
    private const int PostgresTimeoutSeconds = 600;

    [Fact]
    public async Task A_heartbeat_stuck_in_a_partition_holds_nothing_the_worker_sends_after_it()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        // The raw worker sends only the heartbeats below.
        await PartitionableNode.AddAsync(cluster, link, o => o.PostgresUrl = new NpgsqlConnectionStringBuilder(o.PostgresUrl)
        {
            Timeout = PostgresTimeoutSeconds,
            CommandTimeout = PostgresTimeoutSeconds,
        }.ConnectionString);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var job = await worker.NextAssignAsync();

        link.Stall();
        // The renewal asks PostgreSQL about the held job, and the partition holds it.
        await worker.SendAsync(new WorkerMessage { Heartbeat = new Heartbeat() });
        await worker.SendAsync(new WorkerMessage { Heartbeat = new Heartbeat() });
        var progress = worker.RequestAsync(new WorkerMessage { Progress = new Progress { JobId = job.JobId, Attempt = job.Attempt, Name = "rows", Current = 1 } });

        // Answered without PostgreSQL while the partition still holds the renewals: before, the progress waited
        // behind the heartbeat on the read loop until the link was restored (or the command timed out), and the raw
        // worker gave up waiting for its Ack.
        var answered = await progress;
        Assert.True(answered.Ok, answered.Error);

        link.Restore();
        var done = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = job.JobId, Attempt = job.Attempt } });
        Assert.True(done.Ok, done.Error);
        await client.WaitForStateAsync(id, JobState.Completed);
    }
}
