using Grpc.Net.Client;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>
/// Jobs/Get with log lines answers within the node's message limit (MaxMessageSize, 4 MiB by default): a job keeps
/// up to MaxLogLinesPerJob lines of up to 8,192 characters, which can be far more than one message holds.
/// </summary>
public sealed class GetLogLimitTests(SingleNodeFixture fixture) : IClassFixture<SingleNodeFixture>
{
    private const int LineChars = 8192;
    private const int DefaultMessageLimit = 4 * 1024 * 1024;

    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_job_whose_log_lines_outgrow_the_message_limit_is_answered_with_the_newest_lines_that_fit()
    {
        var id = await Cluster.Client().EnqueueAsync("test.slow", "acme");
        // 1,000 lines of 8,192 characters: what MaxLogLinesPerJob keeps at its default, 8 MiB.
        await StoreLogLinesAsync(id, count: 1000, text: i => $"{i:D4} " + new string('x', LineChars - 5));
        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = null });

        var response = await new Jobs.JobsClient(channel).GetAsync(new GetJobRequest { JobId = id, LogLines = 10_000 });

        Assert.Equal(id, response.Job.Id);
        Assert.InRange(response.CalculateSize(), DefaultMessageLimit - LineChars - 100, DefaultMessageLimit);
        Assert.Equal(1000, response.Logs.Count + response.LogLinesOmitted);
        Assert.StartsWith("0999 ", response.Logs[^1].Text, StringComparison.Ordinal);
        Assert.StartsWith($"{response.LogLinesOmitted:D4} ", response.Logs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_with_short_logs_gets_every_line_asked_for_and_none_omitted()
    {
        var id = await Cluster.Client().EnqueueAsync("test.slow", "acme");
        await StoreLogLinesAsync(id, count: 20, text: i => $"line {i}");

        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress);

        var response = await new Jobs.JobsClient(channel).GetAsync(new GetJobRequest { JobId = id, LogLines = 5 });

        Assert.Equal(["line 15", "line 16", "line 17", "line 18", "line 19"], response.Logs.Select(l => l.Text));
        Assert.Equal(0, response.LogLinesOmitted);
    }

    private Task StoreLogLinesAsync(string jobId, int count, Func<int, string> text)
    {
        var job = long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture);
        var at = DateTimeOffset.UtcNow;
        var lines = Enumerable.Range(0, count).Select(i => new LogEntry(job, 1, "info", text(i), at)).ToList();
        return Cluster.Database.Jobs.AppendLogsAsync(lines);
    }
}
