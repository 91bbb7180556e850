using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

/// <summary>The per-type <c>lease_ms</c> setting (migration 006) is what a running job of that type is leased for.</summary>
public sealed class JobTypeLeaseTests
{
    [Fact]
    public async Task A_job_of_a_type_with_its_own_lease_gets_that_lease_at_claim_and_at_every_renewal_while_other_types_keep_the_nodes()
    {
        // The test node leases for 5 s and heartbeats every second; test.echo leases for 60 s.
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        await admin.PutAsync("/api/job-types/test.echo", new { lease_ms = 60_000 });
        var release = new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w
            .Handle("test.echo", _ => release.Task)
            .Handle("test.slow", _ => release.Task));
        var client = cluster.Client();
        var echo = await client.EnqueueAsync("test.echo", "acme");
        var slow = await client.EnqueueAsync("test.slow", "acme");
        await client.WaitForStateAsync(echo, JobState.Running);
        await client.WaitForStateAsync(slow, JobState.Running);

        var atClaim = await LeaseAsync(cluster, echo);
        var renewed = await WaitForRenewalAsync(cluster, echo, atClaim.ExpiresAt);
        var other = await LeaseAsync(cluster, slow);
        release.SetResult(JobResult.Complete());

        Assert.InRange(atClaim.RemainingMs, 50_000, 60_000);
        Assert.InRange(renewed.RemainingMs, 50_000, 60_000);
        Assert.InRange(other.RemainingMs, 0, 5_000);
    }

    [Fact]
    public async Task A_type_lease_shorter_than_the_nodes_heartbeat_makes_its_workers_heartbeat_in_time_so_a_long_job_is_not_requeued()
    {
        // Node: 120 s lease, 60 s heartbeat. The type: 12 s lease, so the worker heartbeats every 4 s (a third of it).
        // The job runs until a heartbeat has renewed its lease past the end of the 12 s it was claimed with; at the
        // node's 60 s no heartbeat comes before that end, the node stops the attempt (at the lease less its margin,
        // 8 s) and the job is requeued. The margins are wide because a loaded CI machine stalls: a renewal may be up to
        // 4 s late here (with a 3 s type lease and 1 s heartbeats, a 2 s stall once cost the job its attempt in CI).
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(120);
            o.HeartbeatInterval = TimeSpan.FromSeconds(60);
        });
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        await admin.PutAsync("/api/job-types/test.slow", new { lease_ms = 12_000 });
        var attempts = 0;
        cluster.StartWorker(0, w => w.Handle("test.slow", async context =>
        {
            Interlocked.Increment(ref attempts);
            // The job's work lasts until the type-paced heartbeats have carried it past its first lease.
            var atClaim = await LeaseAsync(cluster, context.JobId);
            await WaitForRenewalAsync(cluster, context.JobId, atClaim.ExpiresAt);
            return JobResult.Complete();
        }));
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.slow", "acme");

        var job = await client.WaitForStateAsync(id, JobState.Completed, TimeSpan.FromSeconds(60));

        Assert.Equal(1, job.Attempt);
        Assert.True(string.IsNullOrEmpty(job.LastError), job.LastError);
        Assert.Equal(1, Volatile.Read(ref attempts));
    }

    private static async Task<(DateTime ExpiresAt, double RemainingMs)> LeaseAsync(TestCluster cluster, string id)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(
            $"SELECT lease_expires_at, extract(epoch FROM lease_expires_at - now()) * 1000 FROM \"{cluster.Schema}\".jobs WHERE id = {long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)}");
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"job {id} is not running");
        return (reader.GetDateTime(0), (double)reader.GetDecimal(1));
    }

    /// <summary>Reads the lease until a heartbeat moved it past <paramref name="before"/>.</summary>
    private static Task<(DateTime ExpiresAt, double RemainingMs)> WaitForRenewalAsync(TestCluster cluster, string id, DateTime before) =>
        Eventually.ReadUntilAsync(() => LeaseAsync(cluster, id), lease => lease.ExpiresAt > before, TimeSpan.FromSeconds(15), $"a heartbeat to renew job {id}'s lease");
}
