using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Worker;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// Progress, checkpoint, log, complete, fail and yield apply only to attempts assigned to that very stream: another
/// worker's job (same tenant or another), or a stale attempt, gets a refused Ack, nothing is stored, and the real
/// worker's reports still apply.
/// </summary>
public sealed class StreamBindingTests
{
    [Fact]
    public async Task Reports_on_jobs_of_another_worker_of_the_same_and_another_tenant_are_refused_and_nothing_is_stored()
    {
        // The owner holds its two jobs through some twenty round trips without a heartbeat (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        await using var owner = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 2);
        await owner.Welcomed;
        var ids = new[] { await client.EnqueueAsync("test.echo", "acme"), await client.EnqueueAsync("test.echo", "globex") };
        var assigns = new[] { await owner.NextAssignAsync(), await owner.NextAssignAsync() };
        // Capacity 0: the intruder is never given a job, so everything it says is about jobs it was not given.
        await using var intruder = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 0);
        await intruder.Welcomed;

        foreach (var assign in assigns)
        {
            foreach (var report in Reports(assign.JobId, assign.Attempt, "intruder"))
            {
                var ack = await intruder.RequestAsync(report);
                Assert.False(ack.Ok, $"{report.MessageCase} on job {assign.JobId} ({assign.Tenant}) from a stream it was not given was accepted");
                Assert.Contains("not assigned to this stream", ack.Error, StringComparison.Ordinal);
            }
        }

        foreach (var assign in assigns)
        {
            Assert.True((await owner.RequestAsync(Progress(assign, "owner", 5))).Ok);
            Assert.True((await owner.RequestAsync(LogLine(assign, "owner's line"))).Ok);
            Assert.True((await owner.RequestAsync(new WorkerMessage { Checkpoint = new Checkpoint { JobId = assign.JobId, Attempt = assign.Attempt, Name = "owner", Value = "1" } })).Ok);
        }
        foreach (var assign in assigns)
        {
            var jobId = Messages.ParseJobId(assign.JobId)!.Value;
            var logs = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 100),
                lines => lines.Any(l => l.Text == "owner's line"), TimeSpan.FromSeconds(30), "the owner's log line stored");
            var stored = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.GetAsync(jobId),
                job => job!.Progress.Any(p => p.Name == "owner"), TimeSpan.FromSeconds(30), "the owner's progress stored");
            Assert.Equal(["owner's line"], logs.Select(l => l.Text));
            Assert.Equal(["owner"], stored!.Progress.Select(p => p.Name));
            Assert.Equal(["owner"], stored.Checkpoints.Keys);
            Assert.Equal(Core.Jobs.JobState.Running, stored.State);
            Assert.Equal(0, stored.Failures);
        }
        foreach (var assign in assigns)
        {
            var ack = await owner.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt, ResultJson = """{"by":"owner"}""" } });
            Assert.True(ack.Ok, ack.Error);
        }
        foreach (var id in ids)
        {
            var job = await client.WaitForStateAsync(id, JobState.Completed);
            Assert.Equal(1, job.Attempt);
            Assert.Contains("owner", job.ResultJson, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stale_attempt_after_a_requeue_is_refused_and_the_new_attempt_completes()
    {
        // The requeue is the first stream's end, not a lease: the second attempt must stay held (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        var first = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var firstAssign = await first.NextAssignAsync();
        // The first stream goes away: its attempt is released and the job waits again.
        await first.DisposeAsync();
        await using var second = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var secondAssign = await second.NextAssignAsync();
        Assert.Equal(firstAssign.JobId, secondAssign.JobId);
        Assert.Equal(firstAssign.Attempt + 1, secondAssign.Attempt);

        foreach (var report in Reports(firstAssign.JobId, firstAssign.Attempt, "stale"))
        {
            var ack = await second.RequestAsync(report);
            Assert.False(ack.Ok, $"{report.MessageCase} for the stale attempt {firstAssign.Attempt} was accepted");
        }
        var done = await second.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = secondAssign.JobId, Attempt = secondAssign.Attempt, ResultJson = """{"attempt":2}""" } });

        Assert.True(done.Ok, done.Error);
        var job = await client.WaitForStateAsync(id, JobState.Completed);
        Assert.Equal(secondAssign.Attempt, job.Attempt);
        var stored = (await cluster.Database.Jobs.GetAsync(Messages.ParseJobId(id)!.Value))!;
        Assert.DoesNotContain("stale", stored.Checkpoints.Keys);
    }

    /// <summary>Every report a worker can make on a job, each to be answered by an Ack.</summary>
    internal static IEnumerable<WorkerMessage> Reports(string jobId, int attempt, string who)
    {
        yield return new WorkerMessage { Progress = new Progress { JobId = jobId, Attempt = attempt, Name = who, Current = 1, Total = 2 } };
        yield return new WorkerMessage { Log = new Log { JobId = jobId, Attempt = attempt, Level = "info", Text = $"{who}'s line" } };
        yield return new WorkerMessage { Checkpoint = new Checkpoint { JobId = jobId, Attempt = attempt, Name = who, Value = "9" } };
        yield return new WorkerMessage { Yield = new Yield { JobId = jobId, Attempt = attempt } };
        yield return new WorkerMessage { Fail = new Fail { JobId = jobId, Attempt = attempt, Error = $"{who} failed it", Retryable = false } };
        yield return new WorkerMessage { Complete = new Complete { JobId = jobId, Attempt = attempt, ResultJson = $$"""{"by":"{{who}}"}""" } };
    }

    internal static WorkerMessage Progress(Assign assign, string name, long current) =>
        new() { Progress = new Progress { JobId = assign.JobId, Attempt = assign.Attempt, Name = name, Current = current, Total = 10 } };

    internal static WorkerMessage LogLine(Assign assign, string text) =>
        new() { Log = new Log { JobId = assign.JobId, Attempt = assign.Attempt, Level = "info", Text = text } };
}
