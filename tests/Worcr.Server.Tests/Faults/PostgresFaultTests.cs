using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// PostgreSQL faults under load, on a PostgreSQL of the class's own that the tests restart: nothing is lost, no
/// job runs on two workers at once, the limit holds, and dispatch resumes by itself within 10 s.
/// </summary>
public sealed class PostgresFaultTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private const int Jobs = 30;
    private const int Capacity = 3;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    [Fact]
    public Task An_immediate_restart_longer_than_a_lease_loses_no_job_and_runs_none_twice_at_once() =>
        RestartUnderLoadAsync(downFor: TimeSpan.FromSeconds(10));

    [Fact]
    public Task A_40_s_outage_eight_leases_long_loses_no_job_and_runs_none_twice_at_once() =>
        RestartUnderLoadAsync(downFor: TimeSpan.FromSeconds(40));

    /// <summary>
    /// Down for longer than the lease (5 s): completions in flight must be kept, not dropped; the attempts still running
    /// are stopped by their nodes before their leases can end (the nodes cannot renew them), then requeued by the
    /// leader. A worker whose stream died meanwhile reconnects under the same id: its new stream must not keep the old
    /// attempts alive, and their permits must be freed.
    /// </summary>
    private async Task RestartUnderLoadAsync(TimeSpan downFor)
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 2, o => o.RulesDirectory = rules.Path);
        var load = new FaultLoad(steps: 8, stepTime: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 4; i++) cluster.StartWorker(i % 2, load.Register, concurrency: 2, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);
        await FaultLoad.EnqueueAsync(cluster.Client(), Jobs);
        await load.WaitForStartsAsync(Capacity, TimeSpan.FromSeconds(30));

        await servers.Postgres.StopImmediatelyAsync();
        // The fault itself lasts this long; nothing waits on it to synchronise.
        await Task.Delay(downFor);
        await servers.Postgres.StartAgainAsync();
        await load.NextStartAsync().WaitAsync(Recovery);

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(45));
    }

    /// <summary>
    /// A report PostgreSQL cannot take must not end the worker's stream: every other job on it would be stopped and
    /// lose its attempt. The fail and the yield are kept until PostgreSQL is back, then stored once and acknowledged
    /// (the yield costs no attempt); the checkpoint is refused alone, as retryable; the job that checkpointed runs on,
    /// on the same stream and attempt, and completes.
    /// </summary>
    [Fact]
    public async Task A_fail_a_yield_and_a_checkpoint_sent_while_PostgreSQL_is_down_end_no_stream_and_cost_no_other_attempt()
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1, o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 3);
        await worker.Welcomed;
        for (var i = 0; i < 3; i++) await client.EnqueueAsync("test.echo", "acme");
        var a = await worker.NextAssignAsync();
        var b = await worker.NextAssignAsync();
        var c = await worker.NextAssignAsync();

        await servers.Postgres.StopImmediatelyAsync();
        // Both due an hour later, so jobs A and C still wait when the test reads them.
        var later = Duration.FromTimeSpan(TimeSpan.FromHours(1));
        var failed = worker.RequestAsync(new WorkerMessage
        {
            Fail = new Fail { JobId = a.JobId, Attempt = a.Attempt, Error = "downstream timeout", Retryable = true, RetryAfter = later },
        });
        var yielded = worker.RequestAsync(new WorkerMessage { Yield = new Yield { JobId = c.JobId, Attempt = c.Attempt, Delay = later } });
        var checkpoint = worker.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = b.JobId, Attempt = b.Attempt, Name = "step", Value = "1" } });
        await Task.WhenAny(checkpoint, worker.Ended);
        // A request sent after the stream ended fails at once: the stream's status then says why it ended.
        if (checkpoint.IsFaulted) await worker.Ended.WaitAsync(TimeSpan.FromSeconds(30));
        var endedWhileDown = worker.Ended.IsCompleted ? $"the stream ended while PostgreSQL was down: {(await worker.Ended)?.Status}" : null;
        var answeredWhileDown = failed.IsCompleted || yielded.IsCompleted;
        await servers.Postgres.StartAgainAsync();

        Assert.True(endedWhileDown is null, endedWhileDown);
        Assert.False(answeredWhileDown, "an outcome was answered before PostgreSQL could store it");
        var refused = await checkpoint;
        var stored = await failed;
        var handedBack = await yielded;
        var saved = await worker.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = b.JobId, Attempt = b.Attempt, Name = "step", Value = "2" } });
        var completed = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = b.JobId, Attempt = b.Attempt } });

        Assert.Equal((false, true), (refused.Ok, refused.Retryable));
        Assert.Contains("PostgreSQL is unavailable; the checkpoint was not saved: try again", refused.Error, StringComparison.Ordinal);
        Assert.True(stored.Ok, stored.Error);
        Assert.True(handedBack.Ok, handedBack.Error);
        Assert.True(saved.Ok, saved.Error);
        Assert.True(completed.Ok, completed.Error);
        var jobA = (await cluster.Database.Jobs.GetAsync(long.Parse(a.JobId, CultureInfo.InvariantCulture)))!;
        Assert.Equal((Core.Jobs.JobState.Failed, 1, 1, "downstream timeout"), (jobA.State, jobA.Attempt, jobA.Failures, jobA.LastError));
        var jobB = (await cluster.Database.Jobs.GetAsync(long.Parse(b.JobId, CultureInfo.InvariantCulture)))!;
        Assert.Equal((Core.Jobs.JobState.Completed, 1, 0), (jobB.State, jobB.Attempt, jobB.Failures));
        var jobC = (await cluster.Database.Jobs.GetAsync(long.Parse(c.JobId, CultureInfo.InvariantCulture)))!;
        Assert.Equal((Core.Jobs.JobState.Scheduled, 1, 0), (jobC.State, jobC.Attempt, jobC.Failures));
        Assert.Empty(worker.CancelsReceived);
        Assert.False(worker.Ended.IsCompleted);
    }

    /// <summary>
    /// A claim hands the job to a worker, so it must outlive a crash. Committed asynchronously, it could still be in
    /// PostgreSQL's memory when the server stops: after recovery the job would be waiting again under the same attempt
    /// number while its first worker runs it, and another node could give it to a second worker before the first one's
    /// node renews its lease and learns of it. Here the server stops within milliseconds of the claim.
    /// </summary>
    [Fact]
    public async Task A_claim_survives_an_immediate_stop_right_after_it()
    {
        var schema = await servers.NewSchemaAsync();
        long claimedId;
        await using (var database = WorcrDatabase.Create(servers.Postgres.ConnectionString, schema))
        {
            var enqueued = (await database.Jobs.EnqueueAsync(new[] { new Core.Jobs.NewJob("acme", "email", [], "{}", 1, 3, null, null, null, null) }))[0];
            await using var lane = database.DataSource.CreateCommand($"SELECT lane_id FROM \"{schema}\".jobs WHERE id = {enqueued.Id}");
            var laneId = (long)(await lane.ExecuteScalarAsync())!;
            claimedId = Assert.Single(await database.Jobs.ClaimAsync(laneId, 1, "w1", "n1", TimeSpan.FromMinutes(1))).Id;
            await servers.Postgres.StopImmediatelyAsync();
        }
        await servers.Postgres.StartAgainAsync();

        await using var recovered = WorcrDatabase.Create(servers.Postgres.ConnectionString, schema);
        var job = await recovered.Jobs.GetAsync(claimedId);
        Assert.Equal((Core.Jobs.JobState.Running, 1, "w1"), (job!.State, job.Attempt, job.WorkerId));
    }

    [Fact]
    public async Task A_killed_listen_connection_is_reopened_and_new_jobs_are_dispatched_within_10_s()
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 2, o =>
        {
            o.RulesDirectory = rules.Path;
            // Long enough that only the reopened LISTEN, not the periodic re-read, can start the new jobs in time.
            o.ReconcileInterval = TimeSpan.FromSeconds(30);
        });
        var load = new FaultLoad(steps: 4, stepTime: TimeSpan.FromMilliseconds(20));
        for (var i = 0; i < 2; i++) cluster.StartWorker(i, load.Register, concurrency: 2, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);
        var client = cluster.Client();
        await FaultLoad.EnqueueAsync(client, Jobs / 2);
        await load.WaitForStartsAsync(1, TimeSpan.FromSeconds(30));

        Assert.True(await servers.TerminateListenersAsync(cluster.Schema) >= 2, "every node's LISTEN connection was terminated");
        await cluster.WaitForCountAsync(Core.Jobs.JobState.Completed, Jobs / 2, TimeSpan.FromSeconds(30));
        var resumed = load.NextStartAsync();
        await FaultLoad.EnqueueAsync(client, Jobs / 2);
        await resumed.WaitAsync(Recovery);

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Once_PostgreSQL_is_back_the_first_enqueue_is_stored_without_meeting_a_connection_that_died_with_the_old_server()
    {
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1);
        var client = cluster.Client();
        // Several calls at once, so the node's pool holds several connections to the server about to die.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => FaultLoad.EnqueueAsync(client, 5)));

        await servers.Postgres.StopImmediatelyAsync();
        await servers.Postgres.StartAgainAsync();

        // No retry: a pooled connection of the old server handed out again would fail this call (UNAVAILABLE).
        Assert.Single(await FaultLoad.EnqueueAsync(client, 1));
        Assert.Equal(41, await cluster.LiveJobsAsync() + await cluster.CountAsync(Core.Jobs.JobState.Completed));
    }

    [Fact]
    public async Task An_enqueue_while_PostgreSQL_is_down_is_unavailable_and_enqueues_work_again_once_it_is_back()
    {
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1);
        var client = cluster.Client();
        await FaultLoad.EnqueueAsync(client, 1);

        await servers.Postgres.StopImmediatelyAsync();
        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => FaultLoad.EnqueueAsync(client, 1));
        await servers.Postgres.StartAgainAsync();

        Assert.Equal(WorcrErrorCode.Unavailable, refused.Code);
        Assert.Contains("retry", refused.Message, StringComparison.Ordinal);
        // A producer that retries what it was refused gets its job stored soon after PostgreSQL is back.
        using var deadline = new CancellationTokenSource(Recovery);
        while (true)
        {
            try
            {
                await FaultLoad.EnqueueAsync(client, 1);
                break;
            }
            catch (WorcrNodeException retryable) when (retryable.Code == WorcrErrorCode.Unavailable && !deadline.IsCancellationRequested)
            {
                // The producer's own pause before it retries, as a real one backs off; the node announces no recovery.
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }
    }
}
