using System.Diagnostics;
using Worcr.Postgres;
using Worcr.Worker;

namespace Worcr.Cli.Bench;

/// <summary>
/// `worcr bench chaos`, one fault run: a fresh <see cref="ChaosCluster"/>, jobs enqueued at the asked rate through
/// both nodes, the fault injected under that load, then a wait until every acknowledged job is final. The figures:
/// enqueued (acknowledged), final (completed or dead), unfinished (still waiting, scheduled or running when the wait
/// timed out: stored and still to run, so a run that ends with some is too short to judge, not a loss), lost
/// (acknowledged but neither final nor in the jobs table),
/// concurrent_duplicates (jobs whose attempts ran on two workers at once), max_over_limit (the most attempts running
/// at once beyond the limit's capacity), recovery_s (from the fault's end to the first attempt started after it).
/// </summary>
internal sealed class ChaosBenchmark(ChaosSettings settings)
{
    /// <summary>How long after the fault the load goes on at least, so "dispatch resumed" can be seen.</summary>
    private static readonly TimeSpan AfterFault = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public JsonLine Parameters(ChaosFault fault) => new JsonLine()
        .Add("system", "worcr").Add("workload", "chaos").Add("fault", fault.Name).Add("rate", settings.Rate)
        .Add("workers", settings.Workers).Add("concurrency", settings.Concurrency).Add("capacity", settings.Capacity)
        .Add("prefetch", settings.Prefetch).Add("steps", settings.Steps).Add("step_ms", settings.StepTime.TotalMilliseconds)
        .Add("lease_s", ChaosCluster.LeaseDuration.TotalSeconds);

    public async Task<IReadOnlyDictionary<string, double>> RunOnceAsync(ChaosFault fault, CancellationToken cancellationToken)
    {
        await using var cluster = await ChaosCluster.StartAsync(settings, cancellationToken);
        using var producerA = new WorcrClient(cluster.AddressA);
        using var producerB = new WorcrClient(cluster.AddressB);
        var loadTime = Max(settings.LoadTime, settings.FaultAt + fault.Length + AfterFault);
        var loadStartMs = BenchClock.NowMs();
        var tally = new ChaosEnqueueTally();
        var load = EnqueueAsync([producerA, producerB], loadTime, tally, cancellationToken);
        await Task.Delay(settings.FaultAt, cancellationToken);
        Console.Error.WriteLine($"bench chaos: {fault.Name}...");
        await fault.InjectAsync(cluster, cancellationToken);
        var faultEndMs = BenchClock.NowMs();
        tally.FaultEnded();
        await load;
        var enqueued = tally.Enqueued;
        var (final, dead, unfinished) = await WaitForFinalAsync(cluster, enqueued, cancellationToken);
        var runEndMs = BenchClock.NowMs();
        var ledger = ChaosLedger.Read(cluster.Workers, runEndMs);
        return new Dictionary<string, double>
        {
            ["enqueued"] = enqueued,
            ["final"] = final,
            ["unfinished"] = unfinished,
            ["lost"] = Math.Max(0, enqueued - final - unfinished),
            ["concurrent_duplicates"] = ledger.ConcurrentDuplicates(),
            ["max_over_limit"] = ledger.MaxOverLimit(settings.Capacity),
            ["recovery_s"] = ledger.FirstStartAfter(faultEndMs) is { } first ? (first - faultEndMs) / 1000 : double.NaN,
            ["dead"] = dead,
            ["refused_enqueues"] = tally.Refused,
            ["refused_after_fault"] = tally.RefusedAfterFault,
            ["enqueue_timeouts"] = tally.TimedOutCalls,
            ["attempts"] = ledger.Starts,
            ["resumed"] = ledger.Resumed,
            ["jobs_per_s"] = final / ((runEndMs - loadStartMs) / 1000),
        };
    }

    /// <summary>
    /// Enqueues at the asked rate in batches every 100 ms, catching up after a slow call, through both nodes in turn
    /// (so both dispatch from the start), a batch the first node refuses going to the other, as a producer with two
    /// addresses would do. A batch both refuse (PostgreSQL down) counts as refused, not enqueued: the producer was
    /// told, and nothing was promised. Each distinct refusal is printed once, to stderr.
    /// </summary>
    private async Task EnqueueAsync(WorcrClient[] producers, TimeSpan loadTime, ChaosEnqueueTally tally, CancellationToken cancellationToken)
    {
        var batches = 0;
        var refusals = new HashSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        using var ticks = new PeriodicTimer(Tick);
        while (clock.Elapsed < loadTime && await ticks.WaitForNextTickAsync(cancellationToken))
        {
            var due = (long)(settings.Rate * Math.Min(clock.Elapsed.TotalSeconds, loadTime.TotalSeconds)) - tally.Enqueued - tally.Refused;
            while (due > 0)
            {
                var batch = (int)Math.Min(due, 1_000);
                due -= batch;
                var first = batches++ % producers.Length;
                var afterFault = tally.IsAfterFault;
                if (await TryEnqueueAsync(producers[first], batch, refusals, tally, cancellationToken)
                    || await TryEnqueueAsync(producers[(first + 1) % producers.Length], batch, refusals, tally, cancellationToken)) tally.Stored(batch);
                else tally.Refuse(batch, afterFault);
            }
        }
    }

    private static async Task<bool> TryEnqueueAsync(WorcrClient producer, int batch, HashSet<string> refusals, ChaosEnqueueTally tally,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ChaosEnqueueTally.CallDeadline);
        try
        {
            return (await producer.EnqueueBatchAsync(Enumerable.Range(0, batch).Select(_ => ChaosJob.Spec()), deadline.Token)).Count == batch;
        }
        catch (Exception exception) when (exception is WorcrException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            if (exception is OperationCanceledException) tally.TimedOut();
            if (refusals.Add(exception.Message)) Console.Error.WriteLine($"bench chaos: an enqueue was refused: {exception.Message}");
            return false;
        }
    }

    /// <summary>
    /// Waits until no job is live and at least <paramref name="enqueued"/> are final, or the timeout; returns the final,
    /// dead and live (unfinished) counts.
    /// </summary>
    private async Task<(long Final, long Dead, long Live)> WaitForFinalAsync(ChaosCluster cluster, long enqueued, CancellationToken cancellationToken)
    {
        await using var database = WorcrDatabase.Create(cluster.Postgres.ConnectionString, cluster.Schema);
        await using var count = database.DataSource.CreateCommand($"""
            SELECT (SELECT count(*) FROM {cluster.Schema}.jobs),
                   (SELECT count(*) FROM {cluster.Schema}.job_history WHERE state IN ('completed', 'dead')),
                   (SELECT count(*) FROM {cluster.Schema}.job_history WHERE state = 'dead')
            """);
        var deadline = Stopwatch.StartNew();
        // Polling is fine in a benchmark: it waits for the outcome, it does not time it.
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        while (true)
        {
            await using (var reader = await count.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                var (live, final, dead) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
                if ((live == 0 && final >= enqueued) || deadline.Elapsed > settings.Timeout) return (final, dead, live);
            }
            await poll.WaitForNextTickAsync(cancellationToken);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
