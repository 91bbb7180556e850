using Microsoft.Extensions.DependencyInjection;
using Worcr.Core.Dispatch;
using Worcr.Protocol.V1;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Tests.Limits;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Lifecycle;

/// <summary>A cancel that reaches the node after a job's claim committed but before its Assign was queued or written (real node, PostgreSQL and Redis).</summary>
public sealed class CancelBeforeAssignTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The claim commits (the job is running in PostgreSQL, under this node), then the job is cancelled and the node
    /// hears the cancel before the dispatch loop has handed the job to the worker's stream. The stream did not hold the
    /// attempt yet, so the node used to drop the cancel, then send the Assign: the worker ran a cancelled job, with its
    /// slot and the host's only permit, until a heartbeat's renewal found the job gone. Now the Assign is never sent,
    /// and the slot and permit are free for the next job at once; the job stays cancelled.
    /// </summary>
    [Fact]
    public async Task A_job_cancelled_between_its_claim_and_its_Assign_is_never_sent_and_frees_its_slot_and_permit()
    {
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(LimitJobs.PerHost(1)));
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.RulesDirectory = rules.Path;
            // The raw worker sends no heartbeats: nothing but the cancel may take its attempts, however slow the machine.
            o.LeaseDuration = RawWorker.HeldLease;
        });
        var node = cluster.Nodes[0];
        var dispatcher = node.Services.GetRequiredService<Dispatcher>();
        var claimed = new TaskCompletionSource<ClaimedJob>(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.AfterClaim = async jobs =>
        {
            if (jobs.Count == 0 || !claimed.TrySetResult(jobs[0])) return;
            await goOn.Task;
        };
        // One slot, and one permit for the host: the next job can only be given once the cancelled one gave both back.
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 1);
        await worker.Welcomed;
        var client = cluster.Client();
        var cancelledId = await client.EnqueueAsync(LimitJobs.ForHost("gap.example.com"));

        var claim = await claimed.Task.WaitAsync(Patience);
        var routedBefore = node.Signals.CancelsRouted.Rounds;
        var answer = await client.CancelAsync(cancelledId, "cancelled while the node was about to assign it");
        await node.Signals.CancelsRouted.WaitUntilAsync(() => node.Signals.CancelsRouted.Rounds > routedBefore, Patience, "the node to hear the cancel");
        goOn.SetResult();
        var nextId = await client.EnqueueAsync(LimitJobs.ForHost("gap.example.com"));
        var first = await worker.NextAssignAsync();

        Assert.True(answer.Cancelled);
        Assert.Equal(cancelledId, claim.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(nextId, first.JobId);
        Assert.DoesNotContain(worker.CancelsReceived, c => c.JobId == cancelledId);
        var cancelled = await client.GetAsync(cancelledId);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal(1, cancelled.Attempt);
    }

    /// <summary>
    /// The Assign is queued on the worker's stream, then the job is cancelled and the node revokes the attempt (the
    /// Cancel is queued behind the Assign) before the stream's pump wrote it. The pump published "running" as it wrote
    /// the Assign anyway, after "cancelled": what the node fans out to watchers said the cancelled job started again.
    /// Now an Assign whose attempt the stream no longer holds is written without "running".
    /// </summary>
    [Fact]
    public async Task A_job_cancelled_while_its_Assign_waits_in_the_stream_is_not_published_as_running_after_its_cancel()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var node = cluster.Nodes[0];
        var held = new TaskCompletionSource<Assign>(TaskCreationOptions.RunContinuationsAsynchronously);
        var goOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        node.Services.GetRequiredService<WorkerConnection>().BeforeAssignWritten = async assign =>
        {
            if (!held.TrySetResult(assign)) return;
            await goOn.Task;
        };
        using var watcher = await node.Services.GetRequiredService<LiveEvents>().WatchAsync(new WatchFilter([], "acme"), CancellationToken.None);
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 1);
        await worker.Welcomed;
        var client = cluster.Client();
        var cancelledId = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme" });

        var queued = await held.Task.WaitAsync(Patience);
        var routedBefore = node.Signals.CancelsRouted.Rounds;
        await client.CancelAsync(cancelledId, "cancelled while its Assign waited in the stream");
        await node.Signals.CancelsRouted.WaitUntilAsync(() => node.Signals.CancelsRouted.Rounds > routedBefore, Patience, "the node to hear the cancel");
        goOn.SetResult();
        await worker.NextAssignAsync();
        // Published after whatever the pump published for the Assign it just wrote: reading up to it reads all of that.
        var sentinelId = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme" });
        var published = await StatesUntilAsync(watcher, cancelledId, sentinelId);

        Assert.Equal(cancelledId, queued.JobId);
        Assert.Equal([JobState.Waiting, JobState.Cancelled], published);
    }

    /// <summary>The state changes published for <paramref name="jobId"/>, in order, until the first one of <paramref name="untilJobId"/>.</summary>
    private static async Task<List<JobState>> StatesUntilAsync(EventWatcher watcher, string jobId, string untilJobId)
    {
        using var deadline = new CancellationTokenSource(Patience);
        var states = new List<JobState>();
        while (true)
        {
            var next = await watcher.ReadAsync(Patience, deadline.Token) ?? throw new TimeoutException($"No event of job {untilJobId} was published.");
            if (next.JobId == untilJobId) return states;
            if (next.JobId == jobId && next.StateChanged is { } change) states.Add(change.State);
        }
    }
}
