using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Hosting;

/// <summary>The node reads time from the TimeProvider in its container, so a test can drive it.</summary>
public sealed class InjectedClockTests
{
    [Fact]
    public async Task A_due_scheduled_job_is_promoted_when_the_injected_clock_reaches_the_next_maintenance_pass()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // One maintenance pass at start, then one per hour of the fake clock: only Advance brings the next.
        await using var cluster = await TestCluster.StartAsync(configure: options => options.MaintenanceInterval = TimeSpan.FromHours(1), time: clock);
        var client = cluster.Client();
        cluster.StartWorker(0, worker => worker.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        // A job that is due at once runs on the stalled clock too; it also warms the connection, so the next
        // enqueue lands well before its run_at even on a busy machine.
        var warmUp = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme" });
        await client.WaitForStateAsync(warmUp, JobState.Completed);
        var runAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var job = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", RunAt = Timestamp.FromDateTimeOffset(runAt) });

        await WaitUntilDatabaseTimePassesAsync(cluster, runAt);
        var beforeAdvance = (await client.GetAsync(job)).State;
        clock.Advance(TimeSpan.FromHours(1));
        var completed = await client.WaitForStateAsync(job, JobState.Completed);

        Assert.Equal(JobState.Scheduled, beforeAdvance);
        Assert.Equal(JobState.Completed, completed.State);
    }

    /// <summary>PostgreSQL's clock decides when a job is due: wait until it says run_at has passed.</summary>
    private static async Task WaitUntilDatabaseTimePassesAsync(TestCluster cluster, DateTimeOffset at)
    {
        await using var command = cluster.Database.DataSource.CreateCommand("SELECT now() > @at");
        command.Parameters.Add(new NpgsqlParameter("at", at));
        await Eventually.ReadUntilAsync(async () => (bool)(await command.ExecuteScalarAsync())!, passed => passed, TimeSpan.FromSeconds(30),
            $"PostgreSQL's clock to pass {at:O}");
    }
}
