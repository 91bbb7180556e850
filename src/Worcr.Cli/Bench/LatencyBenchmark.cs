namespace Worcr.Cli.Bench;

/// <summary>
/// BENCH.md workload 2: an idle worker waits; jobs are enqueued one call at a time on an open-loop schedule; the
/// latency of a job is its handler start (worker process clock) minus its enqueue call start (bench clock).
/// </summary>
internal sealed class LatencyBenchmark(int jobs, double rate, int concurrency, TimeSpan timeout)
{
    /// <summary>Jobs enqueued first, on the same schedule, whose latencies are not counted (0: none).</summary>
    public int WarmupJobs
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "--warmup must be 0 or more jobs.");
    }

    public JsonLine Parameters
    {
        get
        {
            var line = new JsonLine().Add("system", "worcr").Add("workload", "latency").Add("jobs", jobs).Add("rate", rate).Add("concurrency", concurrency);
            return WarmupJobs > 0 ? line.Add("warmup", WarmupJobs) : line;
        }
    }

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(BenchServices services, CancellationToken cancellationToken)
    {
        await using var node = await BenchNode.StartAsync(services, cancellationToken);
        await using var worker = BenchWorkerProcess.Start(node.GrpcAddress, node.WorkerToken, concurrency, BenchNode.JobType, WarmupJobs + jobs);
        await worker.Ready.WaitAsync(timeout, cancellationToken);
        var callStarts = await EnqueueOnScheduleAsync(node, cancellationToken);
        var report = await worker.WaitForReportAsync(timeout, cancellationToken);
        ReportAnomalies.Check(report, WarmupJobs + jobs);
        var latencies = Latencies(callStarts, report);
        return new Dictionary<string, double>
        {
            ["p50_ms"] = Stats.Percentile(latencies, 50),
            ["p95_ms"] = Stats.Percentile(latencies, 95),
            ["p99_ms"] = Stats.Percentile(latencies, 99),
            ["max_ms"] = latencies[^1],
        };
    }

    /// <summary>Returns each measured job id (warm-up jobs left out) with the moment its enqueue call started.</summary>
    private async Task<Dictionary<string, double>> EnqueueOnScheduleAsync(BenchNode node, CancellationToken cancellationToken)
    {
        var schedule = new OpenLoopSchedule(rate, BenchClock.NowMs());
        var calls = new List<Task<(string JobId, double CallStartMs)>>(WarmupJobs + jobs);
        for (var i = 0; i < WarmupJobs + jobs; i++)
        {
            await schedule.WaitUntilDueAsync(i, cancellationToken);
            calls.Add(EnqueueTimedAsync(node, i, cancellationToken));
        }
        var done = await Task.WhenAll(calls);
        return done.Skip(WarmupJobs).ToDictionary(call => call.JobId, call => call.CallStartMs, StringComparer.Ordinal);
    }

    private static async Task<(string JobId, double CallStartMs)> EnqueueTimedAsync(BenchNode node, int index, CancellationToken cancellationToken)
    {
        var spec = BenchJobs.Spec(index);
        var callStartMs = BenchClock.NowMs();
        return (await node.Client.EnqueueAsync(spec, cancellationToken), callStartMs);
    }

    /// <summary>Sorted latencies in ms; a job run twice counts with its first start.</summary>
    internal static double[] Latencies(IReadOnlyDictionary<string, double> callStarts, WorkerReport report)
    {
        var firstStarts = report.Starts.GroupBy(start => start.JobId, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Min(start => start.UnixMs), StringComparer.Ordinal);
        return callStarts.Select(call => firstStarts[call.Key] - call.Value).Order().ToArray();
    }
}
