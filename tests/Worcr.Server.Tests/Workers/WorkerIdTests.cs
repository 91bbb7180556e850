using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Core.Dispatch;
using Worcr.Core.Workers;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Workers;
using Worcr.Testing;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A worker id is unique across the cluster while connected: a second Hello with a live id, on the same node or
/// another, is refused with FAILED_PRECONDITION, and the refused stream never releases the first one's jobs.
/// </summary>
public sealed class WorkerIdTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_second_hello_with_a_live_worker_id_is_refused_and_the_first_keeps_its_job_running_once(int secondNode)
    {
        // The raw first worker sends no heartbeats. Under TestCluster's 1 s heartbeat its id's claim in Redis lapses
        // after 3 s (three heartbeats), after which another node rightly lets the id go; and its job's lease ends at 5 s.
        // Both must outlast the test on a loaded machine, so the id stays live and the job held.
        await using var cluster = await TestCluster.StartAsync(nodes: 2, configure: o =>
        {
            o.LeaseDuration = RawWorker.HeldLease;
            o.HeartbeatInterval = TimeSpan.FromMinutes(1);
        });
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        await using var first = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1, workerId: "shared-id");
        var assign = await first.NextAssignAsync();

        await using var second = await RawWorker.ConnectAsync(cluster.Nodes[secondNode], capacity: 1, workerId: "shared-id");
        var refusal = await second.Ended;

        Assert.NotNull(refusal);
        Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);
        Assert.Contains("worker_id", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("already connected", refusal.Status.Detail, StringComparison.Ordinal);
        // The refused stream is over; the first one still holds its attempt, which nobody released.
        var running = (await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!;
        Assert.Equal((Core.Jobs.JobState.Running, 1, 0), (running.State, running.Attempt, running.Failures));
        var done = await first.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
        Assert.True(done.Ok, done.Error);
        var job = await client.WaitForStateAsync(id, JobState.Completed);
        Assert.Equal(1, job.Attempt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task Once_the_first_stream_ended_its_id_is_free_again_on_any_node_and_its_jobs_were_released_once(int nextNode)
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        var first = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1, workerId: "comes-back");
        await first.NextAssignAsync();
        await first.DisposeAsync();

        // The reconnecting worker may be refused while the node still releases the old stream: it retries, as the SDK does.
        RawWorker? again = null;
        await Eventually.ReadUntilAsync(async () =>
        {
            if (again is not null) await again.DisposeAsync();
            again = await RawWorker.ConnectAsync(cluster.Nodes[nextNode], capacity: 1, workerId: "comes-back");
            return await Task.WhenAny(again.Welcomed, again.Ended) == again.Welcomed && again.Welcomed.IsCompletedSuccessfully;
        }, welcomed => welcomed, TimeSpan.FromSeconds(30), "the id free again");
        await using var welcomed = again!;
        var assign = await welcomed.NextAssignAsync();

        Assert.Equal(2, assign.Attempt);
        var stored = (await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!;
        Assert.Equal(1, stored.Failures);
        var done = await welcomed.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
        Assert.True(done.Ok, done.Error);
    }

    /// <summary>
    /// A stream whose claim lapsed (Redis lost the key, its heartbeats stopped a while) and whose id another stream
    /// took meanwhile ends at its next heartbeat, though the renewal that finds it runs off the stream's read loop.
    /// </summary>
    [Fact]
    public async Task A_stream_whose_worker_id_another_stream_took_ends_with_the_conflict_at_its_next_heartbeat()
    {
        // The raw worker sends only the heartbeat below: nothing lapses by itself during the test.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.LeaseDuration = RawWorker.HeldLease;
            o.HeartbeatInterval = TimeSpan.FromMinutes(1);
        });
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1, workerId: "lapsed-id");
        await worker.Welcomed;
        await using var redis = await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync() });
        // What another node's stream leaves there once it claimed the id after this stream's claim lapsed.
        await redis.Database.StringSetAsync($"{cluster.RedisPrefix}worker-id:{{lapsed-id}}", "another-node another-stream");

        await worker.SendAsync(new WorkerMessage { Heartbeat = new Heartbeat() });
        var ended = await worker.Ended.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotNull(ended);
        Assert.Equal(StatusCode.FailedPrecondition, ended.StatusCode);
        Assert.Contains("was claimed by another connection", ended.Status.Detail, StringComparison.Ordinal);
        // The id is the other stream's still: the ending stream gave up only its own claim.
        Assert.Equal("another-node another-stream", (string?)await redis.Database.StringGetAsync($"{cluster.RedisPrefix}worker-id:{{lapsed-id}}"));
    }

    [Fact]
    public async Task A_claim_cancelled_while_redis_sets_the_key_leaves_the_worker_id_free()
    {
        await using var cluster = await TestCluster.StartAsync();
        var claims = cluster.Nodes[0].Services.GetRequiredService<WorkerIdClaims>();
        var budget = new ReportBudget(100, 100, 1000, 0);
        var cancelled = new WorkerSession(new WorkerProfile("brief-id", [], new HashSet<string> { "test.echo" }), 1, budget, "node");

        // The SET is sent before the wait notices the token, so Redis takes it while the caller hears "cancelled".
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => claims.ClaimAsync(cancelled, new CancellationToken(canceled: true)));

        var next = new WorkerSession(new WorkerProfile("brief-id", [], new HashSet<string> { "test.echo" }), 1, budget, "node");
        await claims.ClaimAsync(next, CancellationToken.None);
        await claims.ReleaseAsync(next);
    }
}
