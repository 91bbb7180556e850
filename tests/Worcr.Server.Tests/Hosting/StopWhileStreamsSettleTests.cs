using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Worcr.Protocol.V1;
using Worcr.Server.Hosting;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Hosting;

/// <summary>
/// A worker's reports on a job wait behind the job's checkpoint write, and those sent after its outcome wait behind
/// that outcome's store (<c>CheckpointWrites</c>). They are acknowledged at once, and handed to the report writer only
/// once what they wait behind is stored. A stopping node used to give its streams 2 s to end after the drain grace and
/// then stop its loops, report writer included, while a stream whose outcome PostgreSQL was slow to take was still
/// storing it: the outcome was stored moments later (its retries outlive the loops), but the log lines queued behind it
/// reached a report writer that had made its last flush, and were dropped though acknowledged.
/// </summary>
public sealed class StopWhileStreamsSettleTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_stopping_node_stores_the_log_lines_its_worker_sent_behind_an_outcome_postgres_was_slow_to_store()
    {
        var waitingForStreams = new LoggedEventSignal(1006);
        // The raw worker sends no heartbeats: its job stays held however slow the machine. No drain grace: the stream
        // is ended at once, while its writes still wait for PostgreSQL.
        await using var cluster = await TestCluster.StartAsync(nodes: 0);
        var node = await cluster.AddNodeAsync(o =>
        {
            o.LeaseDuration = RawWorker.HeldLease;
            o.DrainTimeout = TimeSpan.Zero;
        }, logs: waitingForStreams);
        await cluster.Client().EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(node, capacity: 1);
        var job = await worker.NextAssignAsync();
        var jobId = long.Parse(job.JobId, CultureInfo.InvariantCulture);

        // The job's row stays locked until the test lets go: its checkpoint's write and its fail wait behind the lock.
        await using var locker = await cluster.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM \"{cluster.Schema}\".jobs WHERE id = {jobId} FOR UPDATE", locker, transaction))
        {
            await lockRow.ExecuteNonQueryAsync();
        }
        await worker.SendAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = job.JobId, Attempt = job.Attempt, Name = "page", Value = "1" } });
        var before = await worker.RequestAsync(Log(job, "before the outcome"));
        await worker.SendAsync(new WorkerMessage { Fail = new Fail { JobId = job.JobId, Attempt = job.Attempt, Error = "boom", Retryable = true } });
        var after = await worker.RequestAsync(Log(job, "after the outcome"));

        var stopping = node.StopAsync();
        // Let PostgreSQL answer once the node has moved on from its streams: it waits for the one still storing (fixed),
        // or it stopped its report writer without it (before).
        var reportWriter = node.Services.GetServices<IHostedService>().OfType<NodeLoop>().Single(loop => loop.Name == "report writer");
        await Task.WhenAny(waitingForStreams.Logged, reportWriter.ExecuteTask!).WaitAsync(Patience);
        await transaction.RollbackAsync();
        await stopping.WaitAsync(Patience);

        Assert.True(before.Ok && after.Ok, "the log lines were acknowledged");
        var stored = (await cluster.Database.Jobs.GetAsync(jobId))!;
        // The fail was stored (the job waits for its retry, or was promoted to waiting by then).
        Assert.Equal((1, "boom"), (stored.Failures, stored.LastError));
        var lines = (await cluster.Database.Jobs.ReadLogsAsync(jobId, 100)).Select(line => line.Text).ToList();
        Assert.Equal(["before the outcome", "after the outcome"], lines);
    }

    private static WorkerMessage Log(Assign job, string text) => new() { Log = new Log { JobId = job.JobId, Attempt = job.Attempt, Level = "info", Text = text } };
}
