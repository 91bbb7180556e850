using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Tests.Workers;

/// <summary>
/// A log line longer than <see cref="WorkerLimits.MaxLogTextLength"/> is cut, not refused (<see cref="QueuedReports.Cut"/>).
/// The cut was made at exactly that many UTF-16 characters, so a character outside the BMP (an emoji) across the
/// boundary left half of its surrogate pair: the line could not be encoded, and PostgreSQL's refusal dropped it whole.
/// </summary>
public sealed class LogLineCutTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_long_log_line_is_cut_before_a_character_that_would_be_split_in_half()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.Client().EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var job = await worker.NextAssignAsync();
        // "😀" is two UTF-16 characters; the first is the line's 8,192nd.
        var text = new string('x', WorkerLimits.MaxLogTextLength - 1) + "😀" + "tail";

        var taken = await worker.RequestAsync(new WorkerMessage { Log = new Log { JobId = job.JobId, Attempt = job.Attempt, Level = "info", Text = text } });

        Assert.True(taken.Ok, taken.Error);
        var jobId = Messages.ParseJobId(job.JobId)!.Value;
        // Cut in the middle of the pair, the line held a lone surrogate, which cannot be encoded: PostgreSQL never got it.
        var stored = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 10), logs => logs.Count > 0,
            Patience, "the log line stored");
        Assert.Equal(new string('x', WorkerLimits.MaxLogTextLength - 1), Assert.Single(stored).Text);
    }
}
