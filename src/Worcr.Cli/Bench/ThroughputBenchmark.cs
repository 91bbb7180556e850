using System.Diagnostics;

namespace Worcr.Cli.Bench;

/// <summary>
/// BENCH.md workload 1: enqueue with no worker connected (the first 2,000 jobs one call at a time, the rest in
/// batches of 1,000), then one worker process at the given concurrency works them all. With weight rules, the
/// node loads that many <see cref="BenchWeightRules"/> from a temporary folder; when <paramref name="tagged"/>,
/// jobs and worker carry the tags those rules look at (a rule-free run to compare with is tagged too, so the
/// two differ by the rules alone).
/// </summary>
internal sealed class ThroughputBenchmark(int jobs, int concurrency, TimeSpan timeout, int weightRules = 0, bool tagged = false)
{
    public const int SingleCalls = 2_000;
    public const int BatchSize = 1_000;

    public JsonLine Parameters
    {
        get
        {
            var line = new JsonLine().Add("system", "worcr").Add("workload", "throughput").Add("jobs", jobs).Add("concurrency", concurrency);
            return tagged ? line.Add("weight_rules", weightRules) : line;
        }
    }

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(BenchServices services, CancellationToken cancellationToken)
    {
        using var rules = weightRules > 0 ? BenchRulesFolder.Create(weightRules) : null;
        await using var node = await BenchNode.StartAsync(services, rules?.Path, cancellationToken);
        var singles = Math.Min(SingleCalls, jobs);
        var singleSeconds = await EnqueueOneByOneAsync(node, singles, cancellationToken);
        var bulkSeconds = await EnqueueInBatchesAsync(node, singles, jobs, cancellationToken);

        var workerStartMs = BenchClock.NowMs();
        await using var worker = BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, concurrency, BenchNode.JobType, jobs, tagged ? BenchWeightRules.WorkerTags : []);
        var durableMs = await node.WaitForCompletedAsync(jobs, timeout, cancellationToken);
        var report = await worker.WaitForReportAsync(timeout, cancellationToken);
        ReportAnomalies.Check(report, jobs);
        return new Dictionary<string, double>
        {
            ["enqueue_bulk_jobs_per_s"] = jobs > singles ? (jobs - singles) / bulkSeconds : double.NaN,
            ["enqueue_single_jobs_per_s"] = singles / singleSeconds,
            ["process_jobs_per_s"] = jobs / ((report.LastCompletionMs!.Value - report.FirstStartMs) / 1000),
            ["wall_s"] = (durableMs - workerStartMs) / 1000,
        };
    }

    private async Task<double> EnqueueOneByOneAsync(BenchNode node, int count, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++) await node.Client.EnqueueAsync(BenchJobs.Spec(i, tagged), cancellationToken);
        return watch.Elapsed.TotalSeconds;
    }

    private async Task<double> EnqueueInBatchesAsync(BenchNode node, int from, int to, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        for (var first = from; first < to; first += BatchSize)
        {
            var batch = Enumerable.Range(first, Math.Min(BatchSize, to - first)).Select(index => BenchJobs.Spec(index, tagged));
            await node.Client.EnqueueBatchAsync(batch, cancellationToken);
        }
        return watch.Elapsed.TotalSeconds;
    }
}
