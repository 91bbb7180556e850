using System.Globalization;
using Grpc.Core;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Cli.Bench;

/// <summary>
/// `worcr bench-worker --flood N`: a chatty worker on the raw Workers.Connect stream (the SDK would coalesce its
/// progress before sending it). It takes one job of <see cref="BenchNode.FloodJobType"/> and sends N progress
/// updates of one counter, one message each, plus a log line every <see cref="LogEvery"/> updates, as fast as the
/// stream takes them; it says it is ready once the flood is under way, then completes the job and reports when the
/// flood started and ended.
/// </summary>
internal static class FloodWorker
{
    public const int LogEvery = 100;

    /// <summary>Updates sent before the worker says it is ready (flooding).</summary>
    private const int ReadyAfter = 1000;

    public static async Task<WorkerReport> RunAsync(BenchWorkerSettings settings, CancellationToken cancellationToken)
    {
        using var channel = WorcrChannel.Create(settings.Server);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect(cancellationToken: cancellationToken);
        var hello = new Hello { WorkerId = $"bench-flood-{Environment.ProcessId}", Token = settings.Token ?? "", Capacity = 1 };
        hello.JobTypes.Add(BenchNode.FloodJobType);
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello }, cancellationToken);
        await using var replies = call.ResponseStream.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var assign = await NextAssignAsync(replies);

        var startMs = BenchClock.NowMs();
        for (var i = 1; i <= settings.FloodUpdates; i++)
        {
            await call.RequestStream.WriteAsync(Progress(assign, i, settings.FloodUpdates), cancellationToken);
            if (i % LogEvery == 0) await call.RequestStream.WriteAsync(Log(assign, i), cancellationToken);
            // Ready once flooding: the bench starts the measured worker then, so this process's start-up is not measured.
            if (i == ReadyAfter) BenchWorkerHost.WriteReady();
        }
        if (settings.FloodUpdates < ReadyAfter) BenchWorkerHost.WriteReady();
        var endMs = BenchClock.NowMs();
        await call.RequestStream.WriteAsync(new WorkerMessage { RequestId = 1, Complete = new Complete { JobId = assign.JobId, Attempt = assign.Attempt } }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        // Read to the end so the completion's Ack arrives before the process leaves.
        while (await replies.MoveNextAsync()) { }
        return new WorkerReport([], null, new FloodSpan(startMs, endMs, settings.FloodUpdates));
    }

    private static async Task<Assign> NextAssignAsync(IAsyncEnumerator<DispatcherMessage> replies)
    {
        while (await replies.MoveNextAsync())
        {
            if (replies.Current.Assign is { } assign) return assign;
        }
        throw new InvalidOperationException("The node ended the flooding worker's stream before assigning it a job.");
    }

    private static WorkerMessage Progress(Assign assign, long current, long total) => new()
    {
        Progress = new Progress { JobId = assign.JobId, Attempt = assign.Attempt, Name = "rows", Current = current, Total = total },
    };

    private static WorkerMessage Log(Assign assign, int update) => new()
    {
        Log = new Log
        {
            JobId = assign.JobId, Attempt = assign.Attempt, Level = "info",
            Text = "flooded " + update.ToString(CultureInfo.InvariantCulture),
            At = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
        },
    };
}
