using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Hostile;

/// <summary>
/// Durations and times in worker reports that Google.Protobuf cannot convert (it throws on them) get a refused Ack
/// naming the field; the stream, and the job it was about, go on.
/// </summary>
public sealed class ReportTimeTests
{
    public static TheoryData<string, string> BadReports => new()
    {
        { "fail retrying after nanos of the other sign", "Fail.retry_after" },
        { "fail retrying after 10,000 years", "Fail.retry_after" },
        { "yield with nanos past a second", "Yield.delay" },
        { "log written at seconds = long.MaxValue", "Log.at" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task A_report_with_an_impossible_time_gets_a_refused_ack_and_the_job_still_completes(string what, string field)
    {
        // The raw worker sends no heartbeats: its jobs stay held however slow the machine (RawWorker.HeldLease).
        await using var cluster = await TestCluster.StartAsync(configure: o => o.LeaseDuration = RawWorker.HeldLease);
        var client = cluster.Client();
        var id = await client.EnqueueAsync("test.echo", "acme");
        await using var worker = await RawWorker.ConnectAsync(cluster.Nodes[0], capacity: 1);
        var assign = await worker.NextAssignAsync();

        var ack = await worker.RequestAsync(Report(what, assign));

        Assert.False(ack.Ok);
        Assert.StartsWith(field, ack.Error, StringComparison.Ordinal);
        Assert.True((await worker.RequestAsync(new WorkerMessage { Complete = new Complete { JobId = id, Attempt = assign.Attempt } })).Ok);
        Assert.Equal(JobState.Completed, (await client.GetAsync(id)).State);
    }

    private static WorkerMessage Report(string what, Assign assign) => what switch
    {
        "fail retrying after nanos of the other sign" => Fail(assign, new Duration { Seconds = 5, Nanos = -1 }),
        "fail retrying after 10,000 years" => Fail(assign, new Duration { Seconds = 10_000L * 366 * 86_400 }),
        "yield with nanos past a second" => new WorkerMessage { Yield = new Yield { JobId = assign.JobId, Attempt = assign.Attempt, Delay = new Duration { Nanos = 2_000_000_000 } } },
        "log written at seconds = long.MaxValue" => new WorkerMessage { Log = new Log { JobId = assign.JobId, Attempt = assign.Attempt, Text = "hi", At = new Timestamp { Seconds = long.MaxValue } } },
        _ => throw new ArgumentOutOfRangeException(nameof(what), what, null),
    };

    private static WorkerMessage Fail(Assign assign, Duration retryAfter) =>
        new() { Fail = new Fail { JobId = assign.JobId, Attempt = assign.Attempt, Error = "boom", Retryable = true, RetryAfter = retryAfter } };
}
