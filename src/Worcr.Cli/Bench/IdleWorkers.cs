using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>
/// `worcr bench-worker --idle N`: N SDK workers in one process, each on its own connection, serving a job type
/// nobody enqueues (<see cref="JobType"/>), so they stay connected and idle, heartbeats and all: the connected
/// fleet whose cost to the node `bench backlog --idle-workers` measures. Ready once every one is connected; they
/// leave when stdin closes (or on SIGTERM).
/// </summary>
internal static class IdleWorkers
{
    public const string JobType = "bench.idle";

    public static async Task<int> RunAsync(BenchWorkerSettings settings, CancellationToken stop)
    {
        var workers = Enumerable.Range(0, settings.IdleWorkers).Select(index =>
        {
            var worker = new WorcrWorker(new WorkerOptions
            {
                Address = settings.Server, Token = settings.Token, Concurrency = 1,
                WorkerId = $"bench-idle-{Environment.ProcessId}-{index}", ShutdownGrace = TimeSpan.FromSeconds(5),
            }).Handle(JobType, _ => Task.FromResult(JobResult.Complete()));
            worker.Diagnostic += text => Console.Error.WriteLine("bench-worker (idle): " + text);
            return worker;
        }).ToList();
        try
        {
            var running = workers.Select(worker => worker.RunAsync(stop)).ToList();
            var connected = Task.WhenAll(workers.Select(worker => worker.Connected));
            if (await Task.WhenAny(connected, Task.WhenAny(running)) != connected) await await Task.WhenAny(running); // a refusal surfaces here
            BenchWorkerHost.WriteReady();
            await Task.WhenAll(running);
        }
        finally
        {
            foreach (var worker in workers) await worker.DisposeAsync();
        }
        return 0;
    }
}
