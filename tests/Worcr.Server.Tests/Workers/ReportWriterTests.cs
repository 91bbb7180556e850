using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// One job's bad report never stops the node's report writer: it is refused at the stream naming the field, a row
/// PostgreSQL refuses anyway is split out of its batch and dropped, and a failed write is retried until it succeeds.
/// </summary>
public sealed class ReportWriterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_nul_byte_in_one_jobs_reports_is_refused_naming_the_field_and_another_jobs_progress_and_logs_are_stored()
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 2);
        await client.EnqueueAsync("test.echo", "acme");
        await client.EnqueueAsync("test.echo", "acme");
        var a = await worker.NextAssignAsync();
        var b = await worker.NextAssignAsync();

        var refusals = new Dictionary<string, WorkerMessage>
        {
            ["Log.text"] = StreamBindingTests.LogLine(a, "before\0after"),
            ["Progress.text"] = new() { Progress = new Progress { JobId = a.JobId, Attempt = a.Attempt, Name = "rows", Current = 1, Text = "a\0b" } },
            ["Progress.name"] = new() { Progress = new Progress { JobId = a.JobId, Attempt = a.Attempt, Name = "r\0ws", Current = 1 } },
            ["Progress.current"] = new() { Progress = new Progress { JobId = a.JobId, Attempt = a.Attempt, Name = "rows", Current = -1 } },
            ["Progress.total"] = new() { Progress = new Progress { JobId = a.JobId, Attempt = a.Attempt, Name = "rows", Total = long.MaxValue } },
            ["Checkpoint.value"] = new() { Checkpoint = new Checkpoint { JobId = a.JobId, Attempt = a.Attempt, Name = "step", Value = "\0" } },
            ["Checkpoint.name"] = new() { Checkpoint = new Checkpoint { JobId = a.JobId, Attempt = a.Attempt, Name = "st\0ep", Value = "1" } },
            ["Fail.error"] = new() { Fail = new Fail { JobId = a.JobId, Attempt = a.Attempt, Error = "boom\0" } },
            ["Complete.result_json"] = new() { Complete = new Complete { JobId = a.JobId, Attempt = a.Attempt, ResultJson = "{\"a\":\"\0\"}" } },
        };
        foreach (var (field, message) in refusals)
        {
            var ack = await worker.RequestAsync(message);
            Assert.False(ack.Ok, $"{field} was accepted");
            Assert.Contains(field, ack.Error, StringComparison.Ordinal);
        }
        Assert.True((await worker.RequestAsync(StreamBindingTests.Progress(b, "rows", 7))).Ok);
        Assert.True((await worker.RequestAsync(StreamBindingTests.LogLine(b, "b's line"))).Ok);
        Assert.True((await worker.RequestAsync(StreamBindingTests.LogLine(a, "a's good line"))).Ok);

        var bId = Messages.ParseJobId(b.JobId)!.Value;
        await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.GetAsync(bId), job => job!.Progress.Any(p => p.Current == 7), Patience, "b's progress");
        await WaitForLineAsync(cluster, bId, "b's line");
        await WaitForLineAsync(cluster, Messages.ParseJobId(a.JobId)!.Value, "a's good line");
        // The stream still serves: both jobs complete.
        foreach (var assign in new[] { a, b })
        {
            var done = await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } });
            Assert.True(done.Ok, done.Error);
        }
    }

    [Fact]
    public async Task A_row_postgresql_refuses_is_split_out_of_its_batch_and_the_other_rows_and_later_batches_are_stored()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var reports = cluster.Nodes[0].Reports;
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await client.EnqueueAsync("test.echo", "acme"));

        // Handed to the writer directly, past the stream's checks: one flush holds the poison and the good rows.
        reports.Log(new Log { JobId = ids[0], Attempt = 1, Text = "good 0" });
        reports.Log(new Log { JobId = ids[1], Attempt = 1, Text = "poison\0" });
        reports.Progress(new Progress { JobId = ids[1], Attempt = 1, Name = "rows", Current = 1, Text = "poison\0" });
        reports.Progress(new Progress { JobId = ids[2], Attempt = 1, Name = "rows", Current = 2 });
        reports.Log(new Log { JobId = ids[2], Attempt = 1, Text = "good 2" });

        await WaitForLineAsync(cluster, Messages.ParseJobId(ids[0])!.Value, "good 0");
        await WaitForLineAsync(cluster, Messages.ParseJobId(ids[2])!.Value, "good 2");
        var third = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.GetAsync(Messages.ParseJobId(ids[2])!.Value),
            job => job!.Progress.Count > 0, Patience, "the good progress");
        Assert.Equal(2, third!.Progress[0].Current);
        Assert.Empty(await cluster.Database.Jobs.ReadLogsAsync(Messages.ParseJobId(ids[1])!.Value, 10));
        Assert.Empty((await cluster.Database.Jobs.GetAsync(Messages.ParseJobId(ids[1])!.Value))!.Progress);
        // The writer lives on.
        reports.Log(new Log { JobId = ids[1], Attempt = 1, Text = "later" });
        await WaitForLineAsync(cluster, Messages.ParseJobId(ids[1])!.Value, "later");
    }

    [Fact]
    public async Task A_failed_write_is_retried_with_backoff_until_postgresql_takes_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var reports = cluster.Nodes[0].Reports;
        var id = await client.EnqueueAsync("test.echo", "acme");
        var jobId = Messages.ParseJobId(id)!.Value;
        await ExecuteAsync(cluster, "ALTER TABLE __schema__.job_logs RENAME TO job_logs_away");
        var failedBefore = reports.FailedFlushes;

        reports.Log(new Log { JobId = id, Attempt = 1, Text = "kept through the outage" });
        await Eventually.ReadUntilAsync(() => Task.FromResult(reports.FailedFlushes), failed => failed >= failedBefore + 2, Patience, "two failed flushes");
        await ExecuteAsync(cluster, "ALTER TABLE __schema__.job_logs_away RENAME TO job_logs");

        await WaitForLineAsync(cluster, jobId, "kept through the outage");
    }

    private static Task WaitForLineAsync(TestCluster cluster, long jobId, string text) =>
        Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 100), lines => lines.Any(l => l.Text == text), Patience, $"the line '{text}'");

    private static async Task ExecuteAsync(TestCluster cluster, string sql)
    {
        await using var command = cluster.Database.DataSource.CreateCommand(sql.Replace("__schema__", $"\"{cluster.Schema}\"", StringComparison.Ordinal));
        await command.ExecuteNonQueryAsync();
    }
}
