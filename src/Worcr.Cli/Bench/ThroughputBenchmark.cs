using System.Diagnostics;

namespace Worcr.Cli.Bench;

/// <summary>
/// BENCH.md workload 1: enqueue with no worker connected (the first 2,000 jobs one call at a time, the next 4,000
/// one job per call with 64 calls in flight, the rest in batches of 1,000), then one worker process at the given concurrency works them all. With weight rules, the
/// node loads that many <see cref="BenchWeightRules"/> from a temporary folder; when <paramref name="tagged"/>,
/// jobs and worker carry the tags those rules look at (a rule-free run to compare with is tagged too, so the
/// two differ by the rules alone). With <paramref name="tenants"/> above 1 the jobs are spread over that many tenants
/// and the node uses <paramref name="fairness"/>. With <paramref name="floodUpdates"/>, a second worker process
/// (<see cref="FloodWorker"/>), launched before the first, floods one job's progress meanwhile; <paramref name="reportBudget"/>
/// sets the node's <c>WorkerReportsPerSecond</c>. With <paramref name="waiting"/>, that many jobs of a type no worker serves
/// wait in the jobs table before the workload starts (BENCH.md workload 4, `bench backlog`); with <paramref name="idleWorkers"/>,
/// a third process holds that many idle workers (<see cref="IdleWorkers"/>) connected to the node meanwhile.
/// </summary>
internal sealed class ThroughputBenchmark(int jobs, int concurrency, TimeSpan timeout, int weightRules = 0, bool tagged = false,
    int tenants = 1, string? fairness = null, int floodUpdates = 0, int? reportBudget = null, int waiting = 0, int idleWorkers = 0)
{
    public const int SingleCalls = 2_000;
    public const int InFlightCalls = 4_000;
    public const int CallsInFlight = 64;
    public const int BatchSize = 1_000;

    public JsonLine Parameters
    {
        get
        {
            var line = new JsonLine().Add("system", "worcr").Add("workload", "throughput").Add("jobs", jobs).Add("concurrency", concurrency);
            if (tagged) line.Add("weight_rules", weightRules);
            if (tenants > 1) line.Add("tenants", tenants);
            if (fairness is not null) line.Add("fairness", fairness);
            if (floodUpdates > 0) line.Add("flood_updates", floodUpdates);
            if (reportBudget is { } budget) line.Add("report_budget", budget);
            if (waiting > 0) line.Add("waiting", waiting);
            if (idleWorkers > 0) line.Add("idle_workers", idleWorkers);
            return line;
        }
    }

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(BenchServices services, CancellationToken cancellationToken)
    {
        using var rules = weightRules > 0 ? BenchRulesFolder.Create(weightRules) : null;
        await using var node = await BenchNode.StartAsync(services, rules?.Path, cancellationToken, fairness, reportBudget);
        if (waiting > 0) await node.FillBacklogAsync(waiting, cancellationToken);
        await using var idle = idleWorkers > 0 ? BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, 1, IdleWorkers.JobType, 0, [], idleWorkers: idleWorkers) : null;
        if (idle is not null) await idle.Ready.WaitAsync(timeout, cancellationToken);
        await using var rss = new RssSampler();
        var singles = Math.Min(SingleCalls, jobs);
        var singleSeconds = await EnqueueOneByOneAsync(node, singles, cancellationToken);
        var inFlightEnd = Math.Min(singles + InFlightCalls, jobs);
        var inFlightSeconds = await EnqueueManyInFlightAsync(node, singles, inFlightEnd, cancellationToken);
        var bulkSeconds = await EnqueueInBatchesAsync(node, inFlightEnd, jobs, cancellationToken);
        if (floodUpdates > 0) await node.Client.EnqueueAsync(new Protocol.V1.JobSpec { Type = BenchNode.FloodJobType, Tenant = "bench" }, cancellationToken);

        await using var flood = floodUpdates > 0 ? BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, 1, BenchNode.FloodJobType, 1, [], floodUpdates: floodUpdates) : null;
        // The measured worker starts once the flood is under way: what is measured is the flood, not the start-up
        // (runtime, JIT) of the flooding process, which would share the machine's cores with the node meanwhile.
        if (flood is not null) await flood.Ready.WaitAsync(timeout, cancellationToken);
        var workerStartMs = BenchClock.NowMs();
        await using var worker = BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, concurrency, BenchNode.JobType, jobs, tagged ? BenchWeightRules.WorkerTags : []);
        var durableMs = await node.WaitForCompletedAsync(jobs, worker.Handled, timeout, cancellationToken);
        var report = await worker.WaitForReportAsync(timeout, cancellationToken);
        ReportAnomalies.Check(report, jobs);
        var figures = new Dictionary<string, double>
        {
            ["enqueue_bulk_jobs_per_s"] = jobs > inFlightEnd ? (jobs - inFlightEnd) / bulkSeconds : double.NaN,
            ["enqueue_single_jobs_per_s"] = singles / singleSeconds,
            ["enqueue_single_64_in_flight_jobs_per_s"] = inFlightEnd > singles ? (inFlightEnd - singles) / inFlightSeconds : double.NaN,
            ["process_jobs_per_s"] = jobs / ((report.LastCompletionMs!.Value - report.FirstStartMs) / 1000),
            ["wall_s"] = (durableMs - workerStartMs) / 1000,
            ["rss_mb_max"] = rss.MaxMegabytes,
            ["gc_committed_mb_max"] = rss.MaxGcCommittedMegabytes,
        };
        if (flood is not null) AddFloodFigures(figures, (await flood.WaitForReportAsync(timeout, cancellationToken)).Flood, report);
        return figures;
    }

    /// <summary>
    /// How long the flood took, how fast it went, and <c>flood_overlap</c>: the share of the processing window
    /// (first start to last completion) during which the flood was running; below 1 the flood missed part of it.
    /// </summary>
    private static void AddFloodFigures(Dictionary<string, double> figures, FloodSpan? flood, WorkerReport report)
    {
        if (flood is not { } span) throw new InvalidOperationException("The flooding worker reported no flood.");
        var floodSeconds = (span.EndMs - span.StartMs) / 1000;
        var windowMs = report.LastCompletionMs!.Value - report.FirstStartMs;
        var overlapMs = Math.Min(span.EndMs, report.LastCompletionMs.Value) - Math.Max(span.StartMs, report.FirstStartMs);
        figures["flood_s"] = floodSeconds;
        figures["flood_updates_per_s"] = span.Updates / floodSeconds;
        figures["flood_overlap"] = Math.Clamp(overlapMs / windowMs, 0, 1);
    }

    private async Task<double> EnqueueOneByOneAsync(BenchNode node, int count, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await node.Client.EnqueueAsync(BenchJobs.Spec(i, tagged, tenants), cancellationToken);
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Jobs <paramref name="from"/> to <paramref name="to"/>, one per call, by <see cref="CallsInFlight"/> callers that
    /// each await their call before the next: what many producers' single enqueues cost, sharing commits.
    /// </summary>
    private async Task<double> EnqueueManyInFlightAsync(BenchNode node, int from, int to, CancellationToken cancellationToken)
    {
        var next = from - 1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, CallsInFlight).Select(async _ =>
        {
            for (var index = Interlocked.Increment(ref next); index < to; index = Interlocked.Increment(ref next))
            {
                await node.Client.EnqueueAsync(BenchJobs.Spec(index, tagged, tenants), cancellationToken);
            }
        }));
        return watch.Elapsed.TotalSeconds;
    }

    private async Task<double> EnqueueInBatchesAsync(BenchNode node, int from, int to, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var first = from; first < to; first += BatchSize)
        {
            var batch = Enumerable.Range(first, Math.Min(BatchSize, to - first)).Select(index => BenchJobs.Spec(index, tagged, tenants));
            await node.Client.EnqueueBatchAsync(batch, cancellationToken);
        }
        return watch.Elapsed.TotalSeconds;
    }
}
