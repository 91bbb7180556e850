using System.CommandLine;
using Worcr.Cli.Bench;

namespace Worcr.Cli.Commands;

/// <summary>`worcr bench chaos` (each fault under load, one JSON line per fault and run) and its hidden worker process.</summary>
internal static class ChaosCommands
{
    public static Command Bench()
    {
        var faults = new Option<string>("--faults") { Description = $"Comma-separated faults to run, in order, or all: {string.Join(", ", ChaosFault.All.Select(f => f.Name))}.", DefaultValueFactory = _ => "all" };
        var rate = new Option<double>("--rate") { Description = "Jobs enqueued per second (in batches every 100 ms).", DefaultValueFactory = _ => 2_000 };
        var seconds = new Option<double>("--seconds") { Description = "Seconds of load at least (a fault that lasts longer gets 10 s of load after it).", DefaultValueFactory = _ => 20 };
        var faultAt = new Option<double>("--fault-at") { Description = "Seconds into the load when the fault starts.", DefaultValueFactory = _ => 5 };
        var workers = new Option<int>("--workers") { Description = "Worker processes, half on each node.", DefaultValueFactory = _ => 4 };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs each worker runs at once.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Steps per job, each followed by a progress report and a checkpoint.", DefaultValueFactory = _ => 2 };
        var stepMs = new Option<double>("--step-ms") { Description = "Milliseconds each step sleeps.", DefaultValueFactory = _ => 10 };
        var capacity = new Option<int>("--capacity") { Description = "The concurrency limit every job is under.", DefaultValueFactory = _ => 100 };
        var prefetch = new Option<int>("--prefetch") { Description = "Jobs each worker holds ahead of its free slots (WorkerOptions.Prefetch)." };
        var runs = new Option<int>("--runs") { Description = "Runs of each fault.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait, after the load, for every job to be final.", DefaultValueFactory = _ => 180 };
        var command = new Command("chaos", "Each fault in turn under load on two nodes and several worker processes; per fault: enqueued, final, lost, concurrent_duplicates, max_over_limit, recovery_s.")
        {
            faults, rate, seconds, faultAt, workers, concurrency, prefetch, steps, stepMs, capacity, runs, timeout,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var chosen = ChaosFault.Parse(parse.GetValue(faults)!);
            if (parse.GetValue(rate) <= 0) throw new ArgumentOutOfRangeException(nameof(rate), parse.GetValue(rate), "--rate must be positive.");
            if (parse.GetValue(workers) < 2) throw new ArgumentOutOfRangeException(nameof(workers), parse.GetValue(workers), "--workers must be at least 2 (one per node).");
            if (parse.GetValue(concurrency) < 1 || parse.GetValue(steps) < 1 || parse.GetValue(capacity) < 1) throw new ArgumentException("--concurrency, --steps and --capacity must be at least 1.");
            if (parse.GetValue(prefetch) < 0) throw new ArgumentException("--prefetch must not be negative.");
            if (parse.GetValue(stepMs) < 0 || parse.GetValue(faultAt) < 0 || parse.GetValue(seconds) <= 0) throw new ArgumentException("--step-ms and --fault-at must not be negative, --seconds must be positive.");
            var benchmark = new ChaosBenchmark(new ChaosSettings(parse.GetValue(rate), TimeSpan.FromSeconds(parse.GetValue(seconds)), TimeSpan.FromSeconds(parse.GetValue(faultAt)),
                parse.GetValue(workers), parse.GetValue(concurrency), parse.GetValue(steps), TimeSpan.FromMilliseconds(parse.GetValue(stepMs)), parse.GetValue(capacity),
                TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(prefetch)));
            foreach (var fault in chosen)
            {
                await BenchRunner.RunInProcessAsync(parse.GetValue(runs), benchmark.Parameters(fault), () => benchmark.RunOnceAsync(fault, cancellationToken));
            }
            return 0;
        });
        return command;
    }

    /// <summary>`worcr chaos-worker`: the worker process `bench chaos` starts and kills; hidden, not for people.</summary>
    public static Command Worker()
    {
        var server = CommonOptions.Server();
        var otherServer = new Option<string?>("--other-server") { Description = "Another node, tried when the stream to the current one is lost." };
        var id = new Option<string>("--id") { Description = "The worker id.", Required = true };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs run at once.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Steps per job.", DefaultValueFactory = _ => 2 };
        var stepMs = new Option<double>("--step-ms") { Description = "Milliseconds per step.", DefaultValueFactory = _ => 10 };
        var events = new Option<string>("--events") { Description = "File the attempts are recorded in.", Required = true };
        var workerPrefetch = new Option<int>("--prefetch") { Description = "Jobs held ahead of the free slots." };
        var command = new Command("chaos-worker", "Chaos bench worker: runs chaos.step jobs and records each attempt's start and end.")
        {
            server, otherServer, id, concurrency, workerPrefetch, steps, stepMs, events,
        };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => ChaosWorkerHost.RunAsync(new ChaosWorkerSettings(new Uri(parse.GetValue(server)!), parse.GetValue(id)!,
            parse.GetValue(concurrency), parse.GetValue(steps), TimeSpan.FromMilliseconds(parse.GetValue(stepMs)), parse.GetValue(events)!)
        {
            OtherServer = parse.GetValue(otherServer) is { } other ? new Uri(other) : null,
            Prefetch = parse.GetValue(workerPrefetch),
        }, cancellationToken));
        return command;
    }
}
