using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A network partition between a node and PostgreSQL gives no error, only silence: a checkpoint's write waits for
/// Npgsql's command timeout. The node stored checkpoints on the stream's read loop, so everything the worker sent
/// after one (progress, logs, the outcomes of its other jobs) waited that long too. The node here reaches PostgreSQL
/// through a <see cref="TcpProxy"/> that the test stalls for as long as it wants: nothing gets through, nothing is
/// closed.
/// </summary>
public sealed class CheckpointPartitionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_checkpoint_stuck_in_a_partition_holds_neither_the_reports_behind_it_nor_its_order_with_the_jobs_outcome()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await using var link = await PartitionableNode.LinkAsync();
        await PartitionableNode.AddAsync(cluster, link);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        // Watched from before any worker can take it: the first event is its waiting state.
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var events = EventsUntilTheEndAsync(client.WatchAsync([id]), watching);
        await watching.Task.WaitAsync(Patience);
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var job = await worker.NextAssignAsync();

        link.Stall();
        var checkpoint = worker.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = job.JobId, Attempt = job.Attempt, Name = "step", Value = "1" } });
        var progress = worker.RequestAsync(new WorkerMessage { Progress = new Progress { JobId = job.JobId, Attempt = job.Attempt, Name = "rows", Current = 1 } });
        var completed = worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = job.JobId, Attempt = job.Attempt } });

        // The progress needs no PostgreSQL: it is answered while the checkpoint before it cannot be stored.
        var first = await Task.WhenAny(checkpoint, progress).WaitAsync(Patience);
        Assert.True(first == progress,
            $"the progress sent after the stuck checkpoint was answered only after it (checkpoint: {Describe(checkpoint)})");
        Assert.True((await progress).Ok);
        Assert.False(completed.IsCompleted, "the completion was answered before the job's checkpoint, which it must follow");

        link.Restore();
        // Stored in the order sent: the completion first would have ended the attempt, and the checkpoint's write,
        // fenced by it, would have been refused.
        var saved = await checkpoint;
        Assert.True(saved.Ok, saved.Error);
        var done = await completed;
        Assert.True(done.Ok, done.Error);
        // The progress was answered at once, but a watcher still sees it after the checkpoint sent before it.
        Assert.Equal(["waiting", "running", "checkpoint step", "progress rows", "completed"], await events.WaitAsync(Patience));
    }

    /// <summary>What a Watch of the job reports until its stream ends (after the job's final state).</summary>
    private static async Task<List<string>> EventsUntilTheEndAsync(IAsyncEnumerable<JobEvent> stream, TaskCompletionSource watching)
    {
        var seen = new List<string>();
        await foreach (var e in stream)
        {
            seen.Add(e.EventCase switch
            {
                JobEvent.EventOneofCase.StateChanged => e.StateChanged.State.ToString().ToLowerInvariant(),
                JobEvent.EventOneofCase.Progress => "progress " + e.Progress.Name,
                JobEvent.EventOneofCase.Checkpoint => "checkpoint " + e.Checkpoint.Name,
                _ => e.EventCase.ToString(),
            });
            watching.TrySetResult();
        }
        return seen;
    }

    private static string Describe(Task<Ack> answer) =>
        answer.Status == TaskStatus.RanToCompletion ? $"ok={answer.Result.Ok} error='{answer.Result.Error}'" : answer.Status.ToString();
}
