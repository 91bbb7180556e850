using Worcr.Core.Fairness;
using Worcr.Protocol.V1;

namespace Worcr.Cli.Bench;

/// <summary>
/// BENCH.md workload 3, the noisy neighbour, for one fairness strategy. A worker process (concurrency
/// <paramref name="concurrency"/>, every job sleeping <paramref name="jobMs"/>) connects first; then tenant t0 enqueues
/// <paramref name="big"/> jobs (batches of 1,000) and t1..t(n-1) enqueue <paramref name="small"/> each right after.
/// The same small tenants also run alone on a fresh node, for the baseline. Makespan of a tenant = its last durable
/// completion − the start of its first enqueue call; Jain's index counts job starts per tenant while every tenant
/// had work waiting: from the end of the last enqueue call (the worker already ran t0's jobs while the others were
/// still being enqueued) until any tenant's last job starts (<see cref="FairnessMeasures"/>, shared with the
/// fairness tests).
/// </summary>
internal sealed class FairnessBenchmark(string strategy, int big, int small, int tenants, double jobMs, int concurrency, TimeSpan timeout)
{
    public const string BigTenant = "t0";

    public JsonLine Parameters => new JsonLine().Add("system", "worcr").Add("workload", "fairness").Add("strategy", strategy)
        .Add("big", big).Add("small", small).Add("tenants", tenants).Add("job_ms", jobMs).Add("concurrency", concurrency);

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(BenchServices services, CancellationToken cancellationToken)
    {
        var alone = await RunTenantsAsync(services, withBig: false, cancellationToken);
        var together = await RunTenantsAsync(services, withBig: true, cancellationToken);
        var smallTogether = SmallMakespans(together.Makespans);
        var smallAlone = Stats.Median(SmallMakespans(alone.Makespans));
        var t0Makespan = together.Makespans[BigTenant];
        return new Dictionary<string, double>
        {
            ["small_makespan_median_ms"] = Stats.Median(smallTogether),
            ["small_makespan_max_ms"] = smallTogether.Max(),
            ["small_makespan_without_t0_ms"] = smallAlone,
            ["small_slowdown_max"] = smallTogether.Max() / smallAlone,
            ["t0_makespan_ms"] = t0Makespan,
            ["t0_jobs_per_s"] = big / (t0Makespan / 1000),
            ["jain_all_backlogged"] = together.Jain,
        };
    }

    private static double[] SmallMakespans(IReadOnlyDictionary<string, double> makespans) =>
        [.. makespans.Where(p => p.Key != BigTenant).Select(p => p.Value)];

    private async Task<(IReadOnlyDictionary<string, double> Makespans, double Jain)> RunTenantsAsync(BenchServices services, bool withBig, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        if (withBig) totals[BigTenant] = big;
        for (var t = 1; t < tenants; t++) totals[BenchJobs.Tenant(t)] = small;
        var jobs = totals.Values.Sum();

        await using var node = await BenchNode.StartAsync(services, rulesDirectory: null, cancellationToken, strategy);
        await using var worker = BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, concurrency, BenchNode.JobType, jobs, [], jobMs);
        await worker.Ready.WaitAsync(timeout, cancellationToken);
        var enqueuedAt = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (tenant, count) in totals)
        {
            enqueuedAt[tenant] = BenchClock.NowMs();
            for (var first = 0; first < count; first += ThroughputBenchmark.BatchSize)
            {
                var batch = Enumerable.Range(first, Math.Min(ThroughputBenchmark.BatchSize, count - first)).Select(i => Job(tenant, i));
                await node.Client.EnqueueBatchAsync(batch, cancellationToken);
            }
        }
        var allEnqueuedMs = BenchClock.NowMs();
        await node.WaitForCompletedAsync(jobs, worker.Handled, timeout, cancellationToken);
        var report = await worker.WaitForReportAsync(timeout, cancellationToken);
        ReportAnomalies.Check(report, jobs);
        var lastCompletion = await node.LastCompletionByTenantAsync(cancellationToken);
        var makespans = totals.Keys.ToDictionary(t => t, t => lastCompletion[t] - enqueuedAt[t], StringComparer.Ordinal);
        return (makespans, JainFromAllEnqueued(report, totals, allEnqueuedMs));
    }

    /// <summary>Jain's index over the starts after <paramref name="allEnqueuedMs"/>, of the work each tenant still had then.</summary>
    internal static double JainFromAllEnqueued(WorkerReport report, IReadOnlyDictionary<string, int> totals, double allEnqueuedMs)
    {
        var ordered = report.Starts.OrderBy(s => s.UnixMs)
            .Select(s => (s.UnixMs, Tenant: s.Tenant ?? throw new InvalidOperationException("The bench worker did not record tenants."))).ToArray();
        var remaining = totals.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var start in ordered.TakeWhile(s => s.UnixMs < allEnqueuedMs)) remaining[start.Tenant]--;
        var backlogged = remaining.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return FairnessMeasures.JainIndexWhileAllBacklogged(
            ordered.SkipWhile(s => s.UnixMs < allEnqueuedMs).Select(s => s.Tenant).Where(backlogged.ContainsKey), backlogged);
    }

    private static JobSpec Job(string tenant, int index) => new()
    {
        Type = BenchNode.JobType,
        Tenant = tenant,
        ArgsJson = $$"""{"i":{{index}}}""",
    };
}
