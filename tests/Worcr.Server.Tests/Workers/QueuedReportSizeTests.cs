using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Dispatch;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// What a worker stream keeps of a job's progress and log lines while they wait behind the job's checkpoint that
/// PostgreSQL is slow to take. The node kept each message whole, a log line up to the 4 MiB message limit (cut to
/// 8,192 characters only when written) and fields it does not know, so 256 of them let a worker park about 1 GiB per
/// job in the node's memory. The node reaches PostgreSQL through a <see cref="TcpProxy"/> the test stalls (a
/// partition: no error, only silence), so the checkpoint stays unanswered for as long as the test needs.
/// </summary>
public sealed class QueuedReportSizeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reports_waiting_behind_a_stuck_checkpoint_are_kept_only_as_they_will_be_stored()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        var node = await PartitionableNode.AddAsync(cluster, link);
        await cluster.Client().EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 1);
        var job = await worker.NextAssignAsync();
        var checkpoints = node.Services.GetRequiredService<Dispatcher>().Sessions.Single().Checkpoints;

        link.Stall();
        var checkpoint = worker.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = job.JobId, Attempt = job.Attempt, Name = "step", Value = "1" } });
        const int lines = 8;
        var longLine = new string('x', 1_000_000);
        for (var i = 0; i < lines; i++)
        {
            var taken = await worker.RequestAsync(new WorkerMessage { Log = new Log { JobId = job.JobId, Attempt = job.Attempt, Level = "info", Text = longLine } });
            Assert.True(taken.Ok, taken.Error);
        }
        var progress = UnknownFields.With(new Progress { JobId = job.JobId, Attempt = job.Attempt, Name = "rows", Current = 1 }, 1_000_000);
        Assert.True((await worker.RequestAsync(new WorkerMessage { Progress = progress })).Ok);
        var queuedBytes = checkpoints.QueuedBytes;
        var stillStuck = !checkpoint.IsCompleted;

        link.Restore();
        var saved = await checkpoint;
        Assert.True(saved.Ok, saved.Error);
        Assert.True(stillStuck, "the checkpoint was answered before the reports queued behind it were measured");
        // Each line as stored (8,192 characters), with its few small fields; the progress without the unknown field.
        Assert.InRange(queuedBytes, lines * WorkerLimits.MaxLogTextLength, lines * (WorkerLimits.MaxLogTextLength + 64) + 256);
        var jobId = Messages.ParseJobId(job.JobId)!.Value;
        var stored = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 100), logs => logs.Count == lines,
            Patience, $"the {lines} log lines stored");
        Assert.All(stored, line => Assert.Equal(WorkerLimits.MaxLogTextLength, line.Text.Length));
        // The progress, queued last, may still be running its hand-over when the lines are read back.
        await Eventually.ReadUntilAsync(() => Task.FromResult(checkpoints.QueuedBytes), bytes => bytes == 0, Patience, "nothing left queued");
    }
}
