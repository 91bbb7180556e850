using System.Globalization;
using Npgsql;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// An attempt has one outcome. While the first waits for PostgreSQL, a worker (any holder of a worker token) must not
/// be able to pile up more: a second Fail or Yield was refused, but a second Complete went to the completion writer
/// every time, result included, and waited there, unbounded and unpaced, for as long as PostgreSQL took the first.
/// </summary>
public sealed class SecondOutcomeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_second_complete_of_an_attempt_is_refused_at_once_while_the_first_waits_for_postgres()
    {
        // The raw worker sends no heartbeats: its job stays held however slow the machine.
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        await cluster.Client().EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var job = await worker.NextAssignAsync();
        var jobId = long.Parse(job.JobId, CultureInfo.InvariantCulture);

        // The job's row stays locked until the test lets go: the first completion's statement waits behind the lock.
        Ack second;
        Task<Ack> first;
        await using (var locker = await cluster.Database.DataSource.OpenConnectionAsync())
        await using (var transaction = await locker.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM \"{cluster.Schema}\".jobs WHERE id = {jobId} FOR UPDATE", locker, transaction))
            {
                await lockRow.ExecuteNonQueryAsync();
            }
            first = worker.RequestAsync(Complete(job, "{\"n\":1}"));
            var again = worker.RequestAsync(Complete(job, "{\"n\":2}"));
            var answered = await Task.WhenAny(first, again).WaitAsync(Patience);
            Assert.True(answered == again, $"the second Complete was not answered while the first waited for PostgreSQL ({again.Status})");
            second = await again;
            await transaction.RollbackAsync();
        }

        Assert.False(second.Ok);
        Assert.Contains("outcome was sent already", second.Error, StringComparison.Ordinal);
        var stored = await first.WaitAsync(Patience);
        Assert.True(stored.Ok, stored.Error);
        var record = (await cluster.Database.Jobs.GetAsync(jobId))!;
        Assert.Equal((Core.Jobs.JobState.Completed, "{\"n\":1}"), (record.State, record.ResultJson));
    }

    private static WorkerMessage Complete(Assign job, string result) =>
        new() { Complete = new Complete { JobId = job.JobId, Attempt = job.Attempt, ResultJson = result } };
}
