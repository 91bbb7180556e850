using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A job's progress and log lines wait behind its checkpoint, and behind its outcome when that waits behind the
/// checkpoint, up to <see cref="CheckpointWrites.MaxQueuedPerJob"/> of them. The node reaches PostgreSQL through a
/// <see cref="TcpProxy"/> the test stalls (a partition: no error, only silence), so neither is stored for as long as
/// the test needs.
/// </summary>
public sealed class ReportQueueBoundTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_report_over_the_bound_behind_an_outcome_is_refused_and_the_stream_reads_on()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        var node = await PartitionableNode.AddAsync(cluster, link);
        var client = cluster.Client();
        await client.EnqueueAsync("test.echo", "acme");
        await client.EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 2, batches: true);
        var stuck = await worker.NextAssignAsync();
        var other = await worker.NextAssignAsync();

        link.Stall();
        var checkpoint = worker.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = stuck.JobId, Attempt = stuck.Attempt, Name = "step", Value = "1" } });
        // Stored after the checkpoint, and kept until PostgreSQL takes it: as long as the partition lasts.
        var completed = worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = stuck.JobId, Attempt = stuck.Attempt } });
        var queued = await worker.RequestBatchAsync(Enumerable.Range(0, CheckpointWrites.MaxQueuedPerJob).Select(i => LogLine(stuck, $"line {i}")).ToList());
        Assert.All(queued, ack => Assert.True(ack.Ok, ack.Error));

        // The node used to wait for the job's queue, the outcome's store included, on the stream's read loop: the
        // worker's other jobs' reports, outcomes and heartbeats were not read until PostgreSQL was back.
        var overBound = await worker.RequestAsync(LogLine(stuck, "one too many"));
        var otherProgress = await worker.RequestAsync(new WorkerMessage { Progress = new Progress { JobId = other.JobId, Attempt = other.Attempt, Name = "rows", Current = 1 } });
        var answeredInThePartition = !completed.IsCompleted && !checkpoint.IsCompleted;

        link.Restore();
        Assert.True((await checkpoint).Ok);
        Assert.True((await completed).Ok);
        Assert.True(answeredInThePartition, "the checkpoint or the outcome was stored before the reports after them were answered");
        Assert.False(overBound.Ok);
        Assert.False(overBound.Retryable);
        Assert.Contains($"its outcome is not stored yet (PostgreSQL is slow to take it), and {CheckpointWrites.MaxQueuedPerJob} of its reports", overBound.Error);
        Assert.True(otherProgress.Ok, otherProgress.Error);
        var jobId = Messages.ParseJobId(stuck.JobId)!.Value;
        var stored = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 1_000),
            logs => logs.Count == CheckpointWrites.MaxQueuedPerJob, Patience, "the queued log lines stored");
        Assert.DoesNotContain(stored, line => line.Text == "one too many");
    }

    private static WorkerMessage LogLine(Assign job, string text) =>
        new() { Log = new Log { JobId = job.JobId, Attempt = job.Attempt, Level = "info", Text = text } };
}
