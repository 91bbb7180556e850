using System.Globalization;
using Worcr.Admin;
using Worcr.Postgres;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Tests.Hosting;

public sealed class NodeSigtermTests
{
    // From SIGTERM the job must still complete within the grace: the node tells the worker to drain, the test hears of
    // it and releases the job, the worker completes it and PostgreSQL stores it. That is a few round trips, but a
    // loaded machine took more than the 10 s this was. A node that does not wait for its workers exits at once, long
    // before the job is released, so a longer grace does not hide that; a node that waits exits as soon as the
    // worker's stream ends, so the test does not last the grace either.
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The SDK reconnects to the address it was given, which is gone once the process exits; so the supported
    /// path is the one proven here: on SIGTERM the node drains, the worker finishes its running job on the still
    /// open stream within the grace, and the process exits 0 with the job completed and no failure counted.
    /// </summary>
    [Fact]
    public async Task Sigterm_drains_the_node_lets_the_running_job_complete_without_a_failure_and_exits_0()
    {
        var schema = await TestServices.CreateSchemaAsync("sigterm");
        await using var node = ChildNode.Start(TestServices.NewTempDirectory("serve"), new Dictionary<string, object>
        {
            ["PostgresUrl"] = await TestServices.PostgresAsync(),
            ["RedisUrl"] = await TestServices.RedisAsync(),
            ["Schema"] = schema,
            ["RedisKeyPrefix"] = TestServices.NewKeyPrefix("sigterm"),
            ["GrpcPort"] = 0,
            ["HttpPort"] = 0,
            ["AllowUnauthenticated"] = true,
            ["JobTypes"] = new[] { "test.slow" },
            ["DrainTimeout"] = DrainTimeout.ToString("c", CultureInfo.InvariantCulture),
        });
        // A child process that starts the runtime and migrates a fresh schema: slow on a loaded machine.
        var address = await node.GrpcAddress.WaitAsync(TimeSpan.FromSeconds(90));
        using var client = new WorcrClient(address);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Its own grace must not be the shorter bound: a drained worker's jobs get the shorter of it and the node's
        // deadline, and with the usual 5 s the job released after the drain could be yielded on a loaded machine.
        var worker = StandaloneWorker.Create(address, concurrency: 1, shutdownGrace: DrainTimeout);
        worker.Handle("test.slow", async _ =>
        {
            started.TrySetResult();
            await release.Task;
            return JobResult.Complete(new { drained = true });
        });
        var drainSeen = worker.SaidAsync("Node asked to drain");
        await using var running = new RunningWorker(worker);
        var id = await client.EnqueueAsync("test.slow", "acme");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(45));

        node.Terminate();
        await drainSeen.WaitAsync(TimeSpan.FromSeconds(45));
        release.SetResult();
        // The waits add up to under the suite's 5 min hang timeout, so a stuck stop fails here with its own message.
        var exitCode = await node.WaitForExitAsync(DrainTimeout + TimeSpan.FromSeconds(15));

        Assert.Equal(0, exitCode);
        await using var database = WorcrDatabase.Create(await TestServices.PostgresAsync(), schema);
        var job = await database.Jobs.GetAsync(long.Parse(id, CultureInfo.InvariantCulture));
        Assert.NotNull(job);
        Assert.Equal(CoreJobState.Completed, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.Equal(0, job.Failures);
    }
}
