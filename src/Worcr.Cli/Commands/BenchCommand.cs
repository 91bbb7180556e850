using System.CommandLine;
using Worcr.Cli.Bench;

namespace Worcr.Cli.Commands;

/// <summary>`worcr bench WORKLOAD`: the benchmarks of shared BENCH.md, and the hidden worker process they launch.</summary>
internal static class BenchCommand
{
    public static Command Create() =>
        new("bench", "Benchmarks (see bench/README.md): one JSON line per run and a median/min/max summary on stdout.")
        {
            Throughput(),
            Latency(),
            Rules(),
            Redis(),
            Progress(),
            Fairness(),
            History(),
            BenchResourceCommands.Startup(),
            BenchResourceCommands.Backlog(),
            ChaosCommands.Bench(),
        };

    /// <summary>`worcr bench-worker`: the worker process the benchmarks start; hidden, not for people.</summary>
    public static Command CreateWorker()
    {
        var server = CommonOptions.Server();
        var token = new Option<string?>("--token") { Description = "Worker token (env WORCR_WORKER_TOKEN)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs run at once.", DefaultValueFactory = _ => 64 };
        var type = new Option<string>("--type") { Description = "Job type to handle with a no-op.", DefaultValueFactory = _ => BenchNode.JobType };
        var report = new Option<string?>("--report") { Description = "File for the report (default stdout)." };
        var expect = new Option<int?>("--expect") { Description = "Exit after completing this many jobs." };
        var stdinClose = new Option<bool>("--stop-on-stdin-close") { Description = "Exit when stdin closes (the bench's way to stop it)." };
        var tags = new Option<string?>("--tags") { Description = "The worker's tags, comma-separated (what weight rules see)." };
        var jobMs = new Option<double>("--job-ms") { Description = "Each handler sleeps this long (0: no-op)." };
        var flood = new Option<int>("--flood") { Description = "Be a flooding worker: take one bench.flood job and send this many progress updates on the raw stream." };
        var idle = new Option<int>("--idle") { Description = "Be this many idle workers, each on its own connection, until stdin closes." };
        var prefetch = new Option<int>("--prefetch") { Description = "Jobs held ahead of the free slots (WorkerOptions.Prefetch)." };
        var command = new Command("bench-worker", "Benchmark worker: no-op handler, records handler start times.")
        {
            server, token, concurrency, type, report, expect, stdinClose, tags, jobMs, flood, idle, prefetch,
        };
        command.Hidden = true;
        command.SetAction((parse, cancellationToken) => BenchWorkerHost.RunAsync(new BenchWorkerSettings(
            new Uri(parse.GetValue(server)!),
            parse.GetValue(token) ?? Environment.GetEnvironmentVariable("WORCR_WORKER_TOKEN"),
            parse.GetValue(concurrency),
            parse.GetValue(type)!,
            parse.GetValue(report),
            parse.GetValue(expect),
            parse.GetValue(stdinClose),
            BenchWorkerSettings.ParseTags(parse.GetValue(tags)),
            parse.GetValue(jobMs),
            parse.GetValue(flood),
            parse.GetValue(idle),
            parse.GetValue(prefetch)), cancellationToken));
        return command;
    }

    private static Command Throughput()
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs to enqueue and process.", DefaultValueFactory = _ => 20_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "The worker's concurrency.", DefaultValueFactory = _ => 64 };
        var weightRules = new Option<int?>("--weight-rules") { Description = $"Load this many weight rules (0–{BenchWeightRules.Max}) that apply to the bench jobs, which then carry tags." };
        var compare = new Option<bool>("--compare-rule-free") { Description = "Run with the weight rules (5 unless --weight-rules) and without, alternately, --runs times each; prints ratio_with_rules." };
        var tenants = new Option<int>("--tenants") { Description = "Spread the jobs over this many tenants (job i belongs to t{i mod N}).", DefaultValueFactory = _ => 1 };
        var fairness = new Option<string?>("--fairness") { Description = "The node's fairness strategy: fifo, round_robin (the node's default) or weighted." };
        var compareFifo = new Option<bool>("--compare-fifo") { Description = "Run with --fairness (round_robin unless given) and with fifo, alternately, --runs times each; prints ratio_vs_fifo." };
        var (postgres, redis, runs, timeout) = SharedOptions();
        var command = new Command("throughput", "Enqueue jobs (2,000 one by one, the rest in batches of 1,000), then one worker process works them all.")
        {
            jobs, concurrency, weightRules, compare, tenants, fairness, compareFifo, postgres, redis, runs, timeout,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(tenants) < 1) throw new ArgumentOutOfRangeException(nameof(tenants), parse.GetValue(tenants), "--tenants must be at least 1.");
            var strategy = parse.GetValue(fairness);
            if (strategy is not (null or "fifo" or "round_robin" or "weighted")) throw new ArgumentException($"--fairness '{strategy}' must be fifo, round_robin or weighted.", nameof(fairness));
            if (parse.GetValue(compareFifo))
            {
                if (parse.GetValue(compare) || parse.GetValue(weightRules) is > 0) throw new ArgumentException("--compare-fifo runs without weight rules; leave out --weight-rules and --compare-rule-free.");
                return ThroughputComparisons.FairnessVersusFifoAsync(Settings(parse, postgres, redis, runs, timeout), parse.GetValue(jobs), parse.GetValue(concurrency),
                    parse.GetValue(tenants), strategy ?? "round_robin", cancellationToken);
            }
            var rules = parse.GetValue(weightRules) ?? (parse.GetValue(compare) ? BenchWeightRules.Max : 0);
            if (rules is < 0 or > BenchWeightRules.Max) throw new ArgumentOutOfRangeException(nameof(weightRules), rules, $"--weight-rules must be between 0 and {BenchWeightRules.Max}.");
            var settings = Settings(parse, postgres, redis, runs, timeout);
            ThroughputBenchmark Benchmark(int count) =>
                new(parse.GetValue(jobs), parse.GetValue(concurrency), settings.Timeout, count, tagged: rules > 0, parse.GetValue(tenants), strategy);
            if (parse.GetValue(compare)) return new RuleFreeComparison(Benchmark(rules), Benchmark(0), rules).RunAsync(settings, cancellationToken);
            var benchmark = Benchmark(rules);
            return BenchRunner.RunAsync(settings, benchmark.Parameters, benchmark.RunOnceAsync, cancellationToken);
        });
        return command;
    }

    private static Command Progress()
    {
        var jobs = new Option<int>("--jobs") { Description = "No-op jobs of the throughput workload (enough for a window of several seconds, so run-to-run noise stays below the 10% measured).", DefaultValueFactory = _ => 60_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "The no-op worker's concurrency.", DefaultValueFactory = _ => 64 };
        var updates = new Option<int>("--updates") { Description = "Progress updates the flooding worker sends (and a log line every 100).", DefaultValueFactory = _ => 100_000 };
        var budget = new Option<int?>("--report-budget") { Description = "The node's WorkerReportsPerSecond (default: the node's default)." };
        var (postgres, redis, runs, timeout) = SharedOptions();
        var command = new Command("progress", "The throughput workload alone and while another worker floods one job's progress, alternately; prints both and the slowdown.")
        {
            jobs, concurrency, updates, budget, postgres, redis, runs, timeout,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(updates) < 1) throw new ArgumentOutOfRangeException(nameof(updates), parse.GetValue(updates), "--updates must be at least 1.");
            if (parse.GetValue(budget) is < 10) throw new ArgumentOutOfRangeException(nameof(budget), parse.GetValue(budget), "--report-budget must be at least 10.");
            return ThroughputComparisons.ProgressFloodAsync(Settings(parse, postgres, redis, runs, timeout), parse.GetValue(jobs), parse.GetValue(concurrency), parse.GetValue(updates),
                parse.GetValue(budget), cancellationToken);
        });
        return command;
    }

    private static Command Fairness()
    {
        var big = new Option<int>("--big") { Description = "Jobs of the big tenant t0 (the issue's full size: 100000).", DefaultValueFactory = _ => 10_000 };
        var small = new Option<int>("--small") { Description = "Jobs of each small tenant.", DefaultValueFactory = _ => 100 };
        var tenants = new Option<int>("--tenants") { Description = "Tenants in all, t0 included.", DefaultValueFactory = _ => 10 };
        var jobMs = new Option<double>("--job-ms") { Description = "How long every job sleeps.", DefaultValueFactory = _ => 2 };
        var concurrency = new Option<int>("--concurrency") { Description = "The worker's concurrency.", DefaultValueFactory = _ => 8 };
        var strategies = new Option<string>("--strategies") { Description = "Comma-separated strategies to run, in order.", DefaultValueFactory = _ => "fifo,round_robin,weighted" };
        var (postgres, redis, runs, timeout) = SharedOptions();
        var command = new Command("fairness", "Noisy neighbour (BENCH.md workload 3) per strategy: small tenants' makespans with and without t0, Jain's index, t0's throughput.")
        {
            big, small, tenants, jobMs, concurrency, strategies, postgres, redis, runs, timeout,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(big) < 1 || parse.GetValue(small) < 1) throw new ArgumentOutOfRangeException(nameof(big), "--big and --small must be at least 1.");
            if (parse.GetValue(tenants) < 2) throw new ArgumentOutOfRangeException(nameof(tenants), parse.GetValue(tenants), "--tenants must be at least 2 (t0 and one small tenant).");
            var names = parse.GetValue(strategies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0 || names.Any(n => n is not ("fifo" or "round_robin" or "weighted"))) throw new ArgumentException($"--strategies '{parse.GetValue(strategies)}' must list fifo, round_robin or weighted.", nameof(strategies));
            var settings = Settings(parse, postgres, redis, runs, timeout);
            var workloads = names.Select(name => new FairnessBenchmark(name, parse.GetValue(big), parse.GetValue(small), parse.GetValue(tenants), parse.GetValue(jobMs), parse.GetValue(concurrency), settings.Timeout))
                .Select(b => (b.Parameters, (BenchRunner.RunOnce)b.RunOnceAsync)).ToArray();
            return BenchRunner.RunAllAsync(settings, workloads, cancellationToken);
        });
        return command;
    }

    private static Command Rules()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per run, shared among the five figures.", DefaultValueFactory = _ => 3 };
        var runs = new Option<int>("--runs") { Description = "How many times to run the workload.", DefaultValueFactory = _ => 1 };
        var command = new Command("rules", "In process, no servers: weight decisions/s for 10 rules × 100 job × 20 worker signatures, cached and not; raw Lua and JS calls/s; lane picks/s.")
        {
            seconds, runs,
        };
        command.SetAction((parse, _) =>
        {
            if (parse.GetValue(seconds) <= 0) throw new ArgumentOutOfRangeException(nameof(seconds), parse.GetValue(seconds), "--seconds must be positive.");
            var benchmark = new RulesBenchmark(TimeSpan.FromSeconds(parse.GetValue(seconds)));
            return BenchRunner.RunInProcessAsync(parse.GetValue(runs), benchmark.Parameters, benchmark.RunOnce);
        });
        return command;
    }

    private static Command Redis()
    {
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per run, shared among the three figures.", DefaultValueFactory = _ => 6 };
        var callers = new Option<int>("--callers") { Description = "Concurrent callers on the one connection.", DefaultValueFactory = _ => 64 };
        var redis = new Option<string?>("--redis") { Description = "Use this Redis instead of starting one." };
        var runs = new Option<int>("--runs") { Description = "How many times to run the workload.", DefaultValueFactory = _ => 1 };
        var command = new Command("redis", "Limit scripts (token bucket, concurrency acquire+release) and presence heartbeats per second, many callers on one connection.")
        {
            seconds, callers, redis, runs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(seconds) <= 0) throw new ArgumentOutOfRangeException(nameof(seconds), parse.GetValue(seconds), "--seconds must be positive.");
            if (parse.GetValue(callers) < 1) throw new ArgumentOutOfRangeException(nameof(callers), parse.GetValue(callers), "--callers must be at least 1.");
            var benchmark = new RedisBenchmark(parse.GetValue(callers), TimeSpan.FromSeconds(parse.GetValue(seconds)));
            await using var services = await BenchRedis.StartAsync(parse.GetValue(redis), cancellationToken);
            return await BenchRunner.RunInProcessAsync(parse.GetValue(runs), benchmark.Parameters, () => benchmark.RunOnceAsync(services.Url));
        });
        return command;
    }

    private static Command History()
    {
        var sizes = new Option<string>("--history") { Description = "job_history sizes to measure at, in rows, comma-separated and growing.", DefaultValueFactory = _ => "0,1000000,2000000,5000000" };
        var jobs = new Option<int>("--jobs") { Description = "Jobs claimed and completed at each size.", DefaultValueFactory = _ => 20_000 };
        var batch = new Option<int>("--batch") { Description = "Jobs per claim.", DefaultValueFactory = _ => 100 };
        var postgres = new Option<string?>("--postgres") { Description = "Use this PostgreSQL instead of starting one (the run's schema is dropped afterwards)." };
        var runs = new Option<int>("--runs") { Description = "How many times to run the workload.", DefaultValueFactory = _ => 1 };
        var command = new Command("history", "Claim-and-complete rate of the store while job_history grows (one figure per history size).")
        {
            sizes, jobs, batch, postgres, runs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var steps = parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var size) && size >= 0 ? size
                    : throw new ArgumentException($"--history: '{text}' is not a row count.", nameof(sizes))).ToList();
            if (steps.Count == 0 || !steps.SequenceEqual(steps.Order())) throw new ArgumentException("--history needs growing sizes, e.g. 0,1000000,5000000.", nameof(sizes));
            if (parse.GetValue(jobs) < 1 || parse.GetValue(batch) < 1) throw new ArgumentException("--jobs and --batch must be at least 1.", nameof(jobs));
            var benchmark = new HistoryBenchmark(steps, parse.GetValue(jobs), parse.GetValue(batch));
            await using var server = await BenchPostgres.StartAsync(parse.GetValue(postgres), cancellationToken);
            return await BenchRunner.RunInProcessAsync(parse.GetValue(runs), benchmark.Parameters, () => benchmark.RunOnceAsync(server.Url));
        });
        return command;
    }

    private static Command Latency()
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs to enqueue.", DefaultValueFactory = _ => 1_000 };
        var rate = new Option<double>("--rate") { Description = "Enqueue calls per second (open loop).", DefaultValueFactory = _ => 200 };
        var concurrency = new Option<int>("--concurrency") { Description = "The idle worker's concurrency.", DefaultValueFactory = _ => 16 };
        var warmup = new Option<int>("--warmup") { Description = "Jobs enqueued first on the same schedule and left out of the figures (a freshly started node compiles its code paths and opens its connections on the first ones).", DefaultValueFactory = _ => 0 };
        var (postgres, redis, runs, timeout) = SharedOptions();
        var command = new Command("latency", "An idle worker waits; jobs are enqueued one call at a time at a fixed rate; prints enqueue-to-start percentiles.")
        {
            jobs, rate, concurrency, warmup, postgres, redis, runs, timeout,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var benchmark = new LatencyBenchmark(parse.GetValue(jobs), parse.GetValue(rate), parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(timeout))) { WarmupJobs = parse.GetValue(warmup) };
            return BenchRunner.RunAsync(Settings(parse, postgres, redis, runs, timeout), benchmark.Parameters, benchmark.RunOnceAsync, cancellationToken);
        });
        return command;
    }

    internal static (Option<string?> Postgres, Option<string?> Redis, Option<int> Runs, Option<int> Timeout) SharedOptions() =>
    (
        new Option<string?>("--postgres") { Description = "Use this PostgreSQL instead of starting one (each run gets its own schema, dropped afterwards)." },
        new Option<string?>("--redis") { Description = "Use this Redis instead of starting one." },
        new Option<int>("--runs") { Description = "How many times to run the workload.", DefaultValueFactory = _ => 1 },
        new Option<int>("--timeout") { Description = "Seconds to wait for a run's jobs before giving up.", DefaultValueFactory = _ => 600 }
    );

    internal static BenchSettings Settings(ParseResult parse, Option<string?> postgres, Option<string?> redis, Option<int> runs, Option<int> timeout) =>
        new(parse.GetValue(postgres), parse.GetValue(redis), parse.GetValue(runs), TimeSpan.FromSeconds(parse.GetValue(timeout)));
}
