using System.Collections.Concurrent;
using System.Diagnostics;
using Worcr.Core.Fairness;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests;

/// <summary>BENCH.md workload 3 as a test: one tenant's flood must not starve the others (unless the strategy is fifo).</summary>
public sealed class FairnessTests
{
    private const int BigJobs = 1500;
    private const int SmallJobs = 40;
    private const int SmallTenants = 9;
    private static readonly TimeSpan JobDuration = TimeSpan.FromMilliseconds(10);

    private sealed record Outcome(IReadOnlyDictionary<string, TimeSpan> SmallMakespans, double JainWhileAllBacklogged);

    private static JobSpec Job(string tenant) => new() { Type = "test.slow", Tenant = tenant };

    /// <summary>Enqueues the big tenant (optionally) then the small ones, and runs them all on one worker of concurrency 8.</summary>
    /// <param name="nodes">With 2, each node gets a worker of half the concurrency; usage is shared through Redis.</param>
    private static async Task<Outcome> RunAsync(string fairness, bool withBigTenant, int nodes = 1)
    {
        await using var cluster = await TestCluster.StartAsync(nodes, configure: o => o.Fairness = fairness);
        var totals = new Dictionary<string, int>();
        var client = cluster.Client();
        if (withBigTenant)
        {
            await client.EnqueueBatchAsync(Enumerable.Range(0, BigJobs).Select(_ => Job("t0")));
            totals["t0"] = BigJobs;
        }
        var clock = Stopwatch.StartNew();
        for (var t = 1; t <= SmallTenants; t++)
        {
            await client.EnqueueBatchAsync(Enumerable.Range(0, SmallJobs).Select(_ => Job($"t{t}")));
            totals[$"t{t}"] = SmallJobs;
        }
        var starts = new ConcurrentQueue<string>();
        var finished = new ConcurrentDictionary<string, int>();
        var lastFinish = new ConcurrentDictionary<string, TimeSpan>();
        var smallDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var smallTenantsDone = 0;
        for (var node = 0; node < nodes; node++) cluster.StartWorker(node, w => w.Handle("test.slow", async context =>
        {
            starts.Enqueue(context.Tenant);
            await Task.Delay(JobDuration); // the job's simulated work
            lastFinish[context.Tenant] = clock.Elapsed;
            if (finished.AddOrUpdate(context.Tenant, 1, (_, n) => n + 1) == SmallJobs && context.Tenant != "t0"
                && Interlocked.Increment(ref smallTenantsDone) == SmallTenants)
            {
                smallDone.TrySetResult();
            }
            return JobResult.Complete();
        }), concurrency: 8 / nodes);
        await smallDone.Task.WaitAsync(TimeSpan.FromSeconds(120));

        var makespans = lastFinish.Where(p => p.Key != "t0").ToDictionary(p => p.Key, p => p.Value);
        return new Outcome(makespans, FairnessMeasures.JainIndexWhileAllBacklogged(starts.ToArray(), totals));
    }

    private static TimeSpan Median(IEnumerable<TimeSpan> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    [Fact]
    public async Task Round_robin_keeps_small_tenants_close_to_their_time_alone_while_fifo_starves_them()
    {
        var alone = await RunAsync("round_robin", withBigTenant: false);
        var roundRobin = await RunAsync("round_robin", withBigTenant: true);
        var fifo = await RunAsync("fifo", withBigTenant: true);

        var baseline = Median(alone.SmallMakespans.Values);
        Assert.All(roundRobin.SmallMakespans, p => Assert.True(p.Value <= baseline * 2, $"{p.Key} took {p.Value.TotalMilliseconds:F0} ms with round_robin; alone the small tenants need {baseline.TotalMilliseconds:F0} ms"));
        Assert.True(roundRobin.JainWhileAllBacklogged >= 0.9, $"Jain's index {roundRobin.JainWhileAllBacklogged:F3}");
        Assert.True(Median(fifo.SmallMakespans.Values) > baseline * 2, $"fifo: {Median(fifo.SmallMakespans.Values).TotalMilliseconds:F0} ms vs {baseline.TotalMilliseconds:F0} ms alone");
        Assert.True(fifo.JainWhileAllBacklogged < 0.5, $"fifo Jain's index {fifo.JainWhileAllBacklogged:F3}");
    }

    [Fact]
    public async Task Round_robin_across_two_nodes_with_workers_on_both_still_keeps_small_tenants_close_to_their_time_alone()
    {
        var alone = await RunAsync("round_robin", withBigTenant: false, nodes: 2);
        var roundRobin = await RunAsync("round_robin", withBigTenant: true, nodes: 2);

        var baseline = Median(alone.SmallMakespans.Values);
        Assert.All(roundRobin.SmallMakespans, p => Assert.True(p.Value <= baseline * 2, $"{p.Key} took {p.Value.TotalMilliseconds:F0} ms with round_robin on 2 nodes; alone the small tenants need {baseline.TotalMilliseconds:F0} ms"));
        Assert.True(roundRobin.JainWhileAllBacklogged >= 0.9, $"Jain's index on 2 nodes {roundRobin.JainWhileAllBacklogged:F3}");
    }

    [Fact]
    public async Task Weighted_tenants_with_shares_one_two_seven_get_those_shares_of_ten_thousand_jobs()
    {
        const int measured = 10_000;
        var shares = new Dictionary<string, double> { ["small"] = 1, ["medium"] = 2, ["large"] = 7 };
        await using var cluster = await TestCluster.StartAsync(configure: o => o.Fairness = "weighted");
        foreach (var (tenant, share) in shares) await cluster.Database.Tenants.SaveTenantAsync(tenant, plan: null, weight: share);
        // The node read no tenants at start; wait until it reloaded them (the change is announced by NOTIFY).
        await cluster.Nodes[0].WaitForTenantShareAsync("large", 7);
        var client = cluster.Client();
        foreach (var tenant in shares.Keys) await client.EnqueueBatchAsync(Enumerable.Range(0, 7500).Select(_ => new JobSpec { Type = "test.echo", Tenant = tenant }));
        var counts = new ConcurrentDictionary<string, int>();
        var total = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
        {
            if (Interlocked.Increment(ref total) <= measured) counts.AddOrUpdate(context.Tenant, 1, (_, n) => n + 1);
            else done.TrySetResult();
            return Task.FromResult(JobResult.Complete());
        }), concurrency: 16);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));

        foreach (var (tenant, share) in shares)
        {
            var measuredShare = counts[tenant] / (double)measured;
            var expected = share / 10;
            Assert.True(Math.Abs(measuredShare - expected) <= expected * 0.05, $"{tenant}: {measuredShare:P1}, expected {expected:P0} ± 5%");
        }
    }
}
