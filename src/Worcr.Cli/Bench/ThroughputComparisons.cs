namespace Worcr.Cli.Bench;

/// <summary>
/// Throughput workload pairs run alternately (<see cref="PairedComparison"/>), each ending with one comparison line
/// of <c>process_jobs_per_s</c>: with a progress flood vs alone (`bench progress`), and a fairness strategy vs fifo
/// over the same tenants (`bench throughput --compare-fifo`).
/// </summary>
internal static class ThroughputComparisons
{
    public const string Figure = "process_jobs_per_s";

    /// <summary>Prints <c>ratio_with_flood</c> and <c>slowdown</c> = 1 − ratio (goal: at most 0.1).</summary>
    public static async Task<int> ProgressFloodAsync(BenchSettings settings, int jobs, int concurrency, int updates, int? reportBudget,
        CancellationToken cancellationToken)
    {
        var alone = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, reportBudget: reportBudget);
        var flooded = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, floodUpdates: updates, reportBudget: reportBudget);
        var (aloneRuns, floodedRuns) = await PairedComparison.RunAsync(settings,
            new PairedComparison.Variant("alone", alone.Parameters, alone.RunOnceAsync),
            new PairedComparison.Variant($"with a flood of {updates} progress updates", flooded.Parameters, flooded.RunOnceAsync), cancellationToken);
        var line = new JsonLine().Add("system", "worcr").Add("workload", "progress_flood_comparison")
            .Add("jobs", jobs).Add("concurrency", concurrency).Add("flood_updates", updates);
        if (reportBudget is { } budget) line.Add("report_budget", budget);
        PairedComparison.AddRatio(line, Figure, "alone", Figures(aloneRuns), "with_flood", Figures(floodedRuns), "ratio_with_flood");
        var ratio = Stats.Median(Figures(floodedRuns)) / Stats.Median(Figures(aloneRuns));
        Console.Out.WriteLine(line.Add("slowdown", 1 - ratio).Add("flood_overlap_median", Stats.Median(floodedRuns.Select(r => r["flood_overlap"]))));
        return 0;
    }

    /// <summary>Prints <c>ratio_vs_fifo</c> = median with <paramref name="fairness"/> / median with fifo (goal: at least 0.85).</summary>
    public static async Task<int> FairnessVersusFifoAsync(BenchSettings settings, int jobs, int concurrency, int tenants, string fairness, CancellationToken cancellationToken)
    {
        var fifo = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, tenants: tenants, fairness: "fifo");
        var fair = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, tenants: tenants, fairness: fairness);
        var (fifoRuns, fairRuns) = await PairedComparison.RunAsync(settings,
            new PairedComparison.Variant("fifo", fifo.Parameters, fifo.RunOnceAsync),
            new PairedComparison.Variant(fairness, fair.Parameters, fair.RunOnceAsync), cancellationToken);
        var line = new JsonLine().Add("system", "worcr").Add("workload", "throughput_fairness_comparison")
            .Add("jobs", jobs).Add("concurrency", concurrency).Add("tenants", tenants).Add("fairness", fairness);
        Console.Out.WriteLine(PairedComparison.AddRatio(line, Figure, "fifo", Figures(fifoRuns), "fair", Figures(fairRuns), "ratio_vs_fifo"));
        return 0;
    }

    /// <summary>
    /// `bench backlog` (BENCH.md workload 4): the workload on empty tables and with <paramref name="waiting"/> jobs
    /// waiting. Prints <c>ratio_with_backlog</c> for processing and the same ratio for both enqueue figures
    /// (goal: every ratio at least 0.85), and the node's highest RSS in each (<see cref="RssSampler"/>). With
    /// <paramref name="idleWorkers"/>, both variants run with that many idle workers connected.
    /// </summary>
    public static async Task<int> BacklogAsync(BenchSettings settings, int jobs, int concurrency, int waiting, int idleWorkers, CancellationToken cancellationToken)
    {
        var empty = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, idleWorkers: idleWorkers);
        var backlogged = new ThroughputBenchmark(jobs, concurrency, settings.Timeout, waiting: waiting, idleWorkers: idleWorkers);
        var (emptyRuns, backlogRuns) = await PairedComparison.RunAsync(settings,
            new PairedComparison.Variant("empty tables", empty.Parameters, empty.RunOnceAsync),
            new PairedComparison.Variant($"{waiting} jobs waiting", backlogged.Parameters, backlogged.RunOnceAsync), cancellationToken);
        var line = new JsonLine().Add("system", "worcr").Add("workload", "backlog_comparison").Add("jobs", jobs).Add("concurrency", concurrency).Add("waiting", waiting);
        if (idleWorkers > 0) line.Add("idle_workers", idleWorkers);
        PairedComparison.AddRatio(line, Figure, "empty", Figures(emptyRuns), "with_backlog", Figures(backlogRuns), "ratio_with_backlog");
        foreach (var enqueue in (string[])["enqueue_bulk_jobs_per_s", "enqueue_single_jobs_per_s", "enqueue_single_64_in_flight_jobs_per_s"])
        {
            line.Add(enqueue + "_ratio_with_backlog", Stats.Median(backlogRuns.Select(r => r[enqueue])) / Stats.Median(emptyRuns.Select(r => r[enqueue])));
        }
        Console.Out.WriteLine(line.Add("rss_mb_max_empty", Stats.Median(emptyRuns.Select(r => r["rss_mb_max"])))
            .Add("rss_mb_max_with_backlog", Stats.Median(backlogRuns.Select(r => r["rss_mb_max"]))));
        return 0;
    }

    private static double[] Figures(IEnumerable<IReadOnlyDictionary<string, double>> runs) => [.. runs.Select(r => r[Figure])];
}
