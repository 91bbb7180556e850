using System.Diagnostics;
using Worcr.Admin;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Hosting;

public sealed class NodeDrainTests
{
    // A drained worker's running jobs get the shorter of its own ShutdownGrace and the node's drain deadline. These
    // tests let a job finish only after they saw the drain reach the worker (and, in one, after further round trips),
    // so with the 5 s grace test workers usually get, a slow machine could yield the job instead: with this grace the
    // node's deadline (its DrainTimeout, 20 s) is the only bound, the one the tests measure the stop against.
    private static readonly TimeSpan OutlastsTheDrain = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The SDK reconnects to the address it was given, so after a drain it cannot move to the second node by
    /// itself. What the code supports: the draining node keeps the stream open while the worker finishes, the
    /// worker reports its running job on that stream, and the node stops within its grace without counting
    /// the job as a failure.
    /// </summary>
    [Fact]
    public async Task Stopping_a_node_drains_its_worker_whose_running_job_completes_without_a_failure_within_the_grace()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var survivor = cluster.Client(1);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = cluster.StartWorker(0, w => w.Handle("test.slow", async _ =>
        {
            started.TrySetResult();
            await release.Task;
            return JobResult.Complete(new { drained = true });
        }), shutdownGrace: OutlastsTheDrain);
        var drainSeen = worker.Worker.SaidAsync("Node asked to drain");
        var id = await survivor.EnqueueAsync("test.slow", "acme");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        var stopping = cluster.Nodes[0].StopAsync();
        await drainSeen.WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Stop();

        var job = await survivor.WaitForStateAsync(id, JobState.Completed);
        var record = await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture));
        var grace = cluster.Nodes[0].Options.DrainTimeout;
        Assert.True(clock.Elapsed < grace, $"the node took {clock.Elapsed} to stop; its drain grace is {grace}");
        Assert.Equal(1, job.Attempt);
        Assert.Equal(0, record!.Failures);
        Assert.Contains("drained", job.ResultJson, StringComparison.Ordinal);
    }
    /// <summary>
    /// A stopping node waits for its workers' streams to end, and for what they sent to be stored, before it ends the
    /// streams still open and stops its loops (<c>DispatcherNode.StopAsync</c> until <c>Dispatcher.HasStreams</c> is
    /// false, within <c>DrainTimeout</c>). So a worker told to drain can still finish its job: the Complete it sends after
    /// the Drain is read, stored and acknowledged. Without that wait the stop ends the stream at once with UNAVAILABLE,
    /// the Complete is never read, and the finished job stays running until its lease lapses, then runs again.
    /// </summary>
    [Fact]
    public async Task A_stopping_node_stores_the_completion_its_worker_sends_after_the_drain()
    {
        // The raw worker sends no heartbeats: its job stays held however slow the machine.
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var id = await cluster.Client().EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var assign = await worker.NextAssignAsync();

        var stopping = cluster.Nodes[0].StopAsync();
        await worker.Drained.WaitAsync(TimeSpan.FromSeconds(30));
        var completed = worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
        var first = await Task.WhenAny(completed, worker.Ended);
        var endedFirst = first == completed ? null : await worker.Ended;
        await worker.LeaveAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(first == completed, $"the node ended the stream ({endedFirst?.Status}) before it answered the Complete sent after its Drain");
        var ack = await completed;
        Assert.True(ack.Ok, ack.Error);
        var stored = (await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!;
        Assert.Equal((Core.Jobs.JobState.Completed, 1, 0), (stored.State, stored.Attempt, stored.Failures));
    }

    /// <summary>
    /// Regression: a drained worker reconnects to the same address within milliseconds. The draining node used to
    /// welcome it back and hand it new jobs, then wait out its whole drain grace for that stream (and more).
    /// </summary>
    [Fact]
    public async Task A_worker_reconnecting_to_a_draining_node_is_refused_and_the_node_stops_once_its_running_job_is_done()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var survivor = cluster.Client(1);
        var longStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseLong = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var longWorker = cluster.StartWorker(0, w => w.Handle("test.slow", async _ =>
        {
            longStarted.TrySetResult();
            await releaseLong.Task;
            return JobResult.Complete();
        }), concurrency: 1, shutdownGrace: OutlastsTheDrain);
        await longWorker.Worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));
        var longId = await survivor.EnqueueAsync("test.slow", "acme");
        await longStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var quickWorker = cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        await quickWorker.Worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));
        var comeback = NextConnectOutcomeAfterDrain(quickWorker.Worker);

        var clock = Stopwatch.StartNew();
        var stopping = cluster.Nodes[0].StopAsync();
        var outcome = await comeback.WaitAsync(TimeSpan.FromSeconds(30));
        var ids = await survivor.EnqueueBatchAsync(Enumerable.Range(0, 4).Select(_ => new JobSpec { Type = "test.echo", Tenant = "acme" }));
        releaseLong.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));
        clock.Stop();
        var rescuer = cluster.StartWorker(1, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), id: "w-rescuer");

        Assert.StartsWith("Stream lost", outcome, StringComparison.Ordinal);
        var grace = cluster.Nodes[0].Options.DrainTimeout;
        Assert.True(clock.Elapsed < grace, $"the node took {clock.Elapsed} to stop: it waited out its drain grace of {grace}");
        foreach (var id in ids)
        {
            var job = await survivor.WaitForStateAsync(id, JobState.Completed);
            Assert.Equal("w-rescuer", job.WorkerId);
            Assert.Equal(1, job.Attempt);
        }
        Assert.Equal(1, (await survivor.WaitForStateAsync(longId, JobState.Completed)).Attempt);
    }

    /// <summary>What the worker says first after the node asked it to drain: welcomed again, or its reconnect failed.</summary>
    private static Task<string> NextConnectOutcomeAfterDrain(WorcrWorker worker)
    {
        var outcome = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drained = 0;
        worker.Diagnostic += line =>
        {
            if (line.StartsWith("Node asked to drain", StringComparison.Ordinal)) Volatile.Write(ref drained, 1);
            else if (Volatile.Read(ref drained) == 1 && (line.StartsWith("Connected to node", StringComparison.Ordinal) || line.StartsWith("Stream lost", StringComparison.Ordinal))) outcome.TrySetResult(line);
        };
        return outcome.Task;
    }
}
