using Worcr.Cli.Hosting;
using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>
/// `worcr bench-worker`: an SDK worker with a no-op handler that records when each handler started. It runs in
/// its own process, as production workers do, and stops on SIGTERM, on stdin closing (when asked to watch it) or
/// once it completed the expected number of jobs; then it writes its <see cref="WorkerReport"/>.
/// </summary>
internal static class BenchWorkerHost
{
    /// <summary>Printed on stdout once the worker is connected, so the bench knows when the worker can take jobs.</summary>
    public const string ReadyLine = "ready";

    /// <summary>
    /// Printed on stdout once the expected handlers have all returned, so the bench starts polling PostgreSQL for
    /// their durable completions only then, and its polls do not take CPU from the run they measure.
    /// </summary>
    public const string HandledLine = "handled";

    private static readonly Task<JobResult> Done = Task.FromResult(JobResult.Complete());

    public static async Task<int> RunAsync(BenchWorkerSettings settings, CancellationToken cancellationToken)
    {
        if (settings.FloodUpdates > 0)
        {
            WriteReport(await FloodWorker.RunAsync(settings, cancellationToken), settings.ReportPath);
            return 0;
        }
        if (settings.IdleWorkers > 0)
        {
            using var signal = new ShutdownSignal();
            using var leave = CancellationTokenSource.CreateLinkedTokenSource(signal.Token, cancellationToken);
            var idle = IdleWorkers.RunAsync(settings, leave.Token);
            await Task.WhenAny(idle, WaitForStdinCloseAsync(), Task.Delay(Timeout.Infinite, leave.Token));
            await leave.CancelAsync();
            return await idle;
        }
        var recorder = new StartRecorder(settings.Expect);
        await using var worker = CreateWorker(settings, recorder);
        using var shutdown = new ShutdownSignal();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, cancellationToken);
        var running = worker.RunAsync(stop.Token);
        await Task.WhenAny(worker.Connected, running);
        if (running.IsCompleted) await running; // a refusal (e.g. a wrong token) surfaces here
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
        _ = recorder.ExpectedReached.ContinueWith(_ =>
        {
            Console.Out.WriteLine(HandledLine);
            Console.Out.Flush();
        }, TaskScheduler.Default);

        var stdinClosed = settings.StopOnStdinClose ? WaitForStdinCloseAsync() : Task.Delay(Timeout.Infinite, stop.Token);
        await Task.WhenAny(recorder.ExpectedReached, stdinClosed, running, Task.Delay(Timeout.Infinite, stop.Token));
        await stop.CancelAsync();
        await running;
        WriteReport(recorder.ToReport(), settings.ReportPath);
        return 0;
    }

    private static WorcrWorker CreateWorker(BenchWorkerSettings settings, StartRecorder recorder)
    {
        var options = new WorkerOptions
        {
            Address = settings.Server,
            Token = settings.Token,
            Concurrency = settings.Concurrency,
            Prefetch = settings.Prefetch,
            Tags = settings.Tags,
            ShutdownGrace = TimeSpan.FromSeconds(5),
        };
        var sleeper = settings.JobMs > 0 ? new JobSleeper(settings.Concurrency) : null;
        var worker = sleeper is not null
            ? new WorcrWorker(options).Handle(settings.JobType, async context =>
            {
                recorder.Started(context.JobId, BenchClock.NowMs(), context.Tenant);
                await sleeper.SleepAsync(TimeSpan.FromMilliseconds(settings.JobMs)); // the job's simulated work
                recorder.Finished(BenchClock.NowMs());
                return JobResult.Complete();
            })
            : new WorcrWorker(options).Handle(settings.JobType, context =>
            {
                recorder.Started(context.JobId, BenchClock.NowMs(), context.Tenant);
                recorder.Finished(BenchClock.NowMs());
                return Done;
            });
        worker.Diagnostic += text => Console.Error.WriteLine("bench-worker: " + text);
        return worker;
    }

    private static Task WaitForStdinCloseAsync() =>
        Task.Run(async () => await Console.OpenStandardInput().CopyToAsync(Stream.Null));

    internal static void WriteReady()
    {
        Console.Out.WriteLine(ReadyLine);
        Console.Out.Flush();
    }

    private static void WriteReport(WorkerReport report, string? path)
    {
        if (path is null)
        {
            report.WriteTo(Console.Out);
            Console.Out.Flush();
            return;
        }
        // Written to a side file and renamed, so the bench never reads a half-written report.
        var partial = path + ".partial";
        using (var writer = new StreamWriter(partial)) report.WriteTo(writer);
        File.Move(partial, path, overwrite: true);
    }
}
