using Worcr.Cli.Hosting;
using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>What `worcr chaos-worker` was asked for.</summary>
internal sealed record ChaosWorkerSettings(Uri Server, string WorkerId, int Concurrency, int Steps, TimeSpan StepTime, string EventsPath)
{
    /// <summary>The other node, where the worker goes on when its own is killed (and from where it may later come back).</summary>
    public Uri? OtherServer { get; init; }

    /// <summary>Jobs held ahead of the free slots (<c>WorkerOptions.Prefetch</c>).</summary>
    public int Prefetch { get; init; }
}

/// <summary>
/// `worcr chaos-worker`: an SDK worker process running <see cref="ChaosJob"/>s for `worcr bench chaos`, which may
/// kill it. It prints <see cref="BenchWorkerHost.ReadyLine"/> once connected and leaves when its stdin closes.
/// </summary>
internal static class ChaosWorkerHost
{
    /// <summary>The longest wait between reconnects: a fault that ends streams must be measured, not the SDK's 10 s backoff.</summary>
    public static readonly TimeSpan ReconnectMaxDelay = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(ChaosWorkerSettings settings, CancellationToken cancellationToken)
    {
        using var events = new ChaosEvents(settings.EventsPath);
        await using var worker = new WorcrWorker(new WorkerOptions
        {
            Address = settings.Server, OtherAddresses = settings.OtherServer is { } other ? [other] : [], WorkerId = settings.WorkerId, Concurrency = settings.Concurrency,
            Prefetch = settings.Prefetch, ReconnectMaxDelay = ReconnectMaxDelay, ShutdownGrace = TimeSpan.FromSeconds(5),
        }).Handle(ChaosJob.Type, ChaosJob.Handler(settings.Steps, settings.StepTime, events));
        worker.Diagnostic += text => Console.Error.WriteLine($"chaos-worker {settings.WorkerId}: {text}");
        using var shutdown = new ShutdownSignal();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown.Token, cancellationToken);
        var running = worker.RunAsync(stop.Token);
        await Task.WhenAny(worker.Connected, running);
        if (running.IsCompleted) await running; // a refusal surfaces here
        BenchWorkerHost.WriteReady();
        var stdinClosed = Task.Run(async () => await Console.OpenStandardInput().CopyToAsync(Stream.Null));
        await Task.WhenAny(stdinClosed, running, Task.Delay(Timeout.Infinite, stop.Token));
        await stop.CancelAsync();
        await running;
        return 0;
    }
}
