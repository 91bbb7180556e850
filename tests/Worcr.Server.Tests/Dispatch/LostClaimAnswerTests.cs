using Worcr.LocalServices;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>
/// A claim is one statement that commits before PostgreSQL sends its rows. When the connection breaks between the two,
/// the jobs are running under the worker in PostgreSQL, but the node never learned their ids, so no Assign is sent.
/// The node reaches PostgreSQL through a <see cref="TcpProxy"/> that lets the claim through and drops its answer.
/// </summary>
public sealed class LostClaimAnswerTests
{
    private const string ClaimStatement = "claim_jobs(";

    [Fact]
    public async Task A_job_whose_claim_answer_was_lost_still_runs_and_is_not_charged_an_attempt_it_never_had()
    {
        // The link outlives the node (disposed after it): a node stopping without PostgreSQL waits out its flushes.
        await using var link = await PartitionableNode.LinkAsync();
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await PartitionableNode.AddAsync(cluster, link, o =>
        {
            // Short enough that, without the read-back, the reaper buries the job well within the Assign's patience.
            o.LeaseDuration = TimeSpan.FromSeconds(10);
            o.HeartbeatInterval = TimeSpan.FromSeconds(3);
        });
        var client = cluster.Client();
        var lost = link.LoseAnswer(ClaimStatement);
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{}", MaxAttempts = 1 });
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);

        var assign = await AssignOrWhyNotAsync(worker, cluster, id);

        Assert.True(lost.IsCompleted, "the claim was answered: nothing was lost, the test shows nothing");
        Assert.Equal(id, assign.JobId);
        var job = await StoredAsync(cluster, id);
        Assert.Equal((Core.Jobs.JobState.Running, 1, 0), (job.State, job.Attempt, job.Failures));
    }

    [Fact]
    public async Task A_claim_cut_off_before_it_reached_postgresql_is_retried_rather_than_taken_for_an_empty_lane()
    {
        await using var link = await PartitionableNode.LinkAsync();
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        await PartitionableNode.AddAsync(cluster, link, o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(10);
            o.HeartbeatInterval = TimeSpan.FromSeconds(3);
            // Only the claim's failure may bring the lane back: no periodic reconcile within the Assign's patience.
            o.ReconcileInterval = TimeSpan.FromMinutes(10);
        });
        var client = cluster.Client();
        var partitioned = link.PartitionBefore(ClaimStatement);
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", ArgsJson = "{}", MaxAttempts = 1 });
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        // The claim's connection was reset before the claim arrived; PostgreSQL answers again (the read-back finds nothing).
        await partitioned;
        link.Restore();

        var assign = await AssignOrWhyNotAsync(worker, cluster, id);

        Assert.Equal((id, 1), (assign.JobId, assign.Attempt));
        var job = await StoredAsync(cluster, id);
        Assert.Equal((Core.Jobs.JobState.Running, 1, 0), (job.State, job.Attempt, job.Failures));
    }

    /// <summary>The worker's next Assign; if none comes, a failure that says what became of the job.</summary>
    private static async Task<Assign> AssignOrWhyNotAsync(RawWorker worker, TestCluster cluster, string id)
    {
        try
        {
            return await worker.NextAssignAsync();
        }
        catch (TimeoutException)
        {
            var job = await StoredAsync(cluster, id);
            Assert.Fail($"no Assign came; the job is {job.State}, attempt {job.Attempt}, failures {job.Failures}, last error '{job.LastError}'");
            throw;
        }
    }

    private static async Task<Worcr.Postgres.JobRecord> StoredAsync(TestCluster cluster, string id) =>
        (await cluster.Database.Jobs.GetAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))!;
}
