using System.Collections.Concurrent;
using Worcr.Core.Fairness;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>BENCH.md workload 3 as a test: one tenant's flood must not starve the others (unless the strategy is fifo).</summary>
public sealed class FairnessTests
{
    private const int BigJobs = 1500;
    private const int SmallJobs = 40;
    private const int SmallTenants = 9;
    private static readonly TimeSpan JobDuration = TimeSpan.FromMilliseconds(10);

    /// <param name="StartsBeforeLastSmall">
    /// How many jobs started up to and including the last small tenant's last job: the small tenants' makespan counted
    /// in jobs, not seconds, so a busy machine (CI runs two test projects at once) slows both sides equally. Alone the
    /// small tenants need exactly <see cref="SmallTenants"/> × <see cref="SmallJobs"/> starts.
    /// </param>
    private sealed record Outcome(int StartsBeforeLastSmall, double JainWhileAllBacklogged);

    private const int SmallAlone = SmallTenants * SmallJobs;

    private static JobSpec Job(string tenant) => new() { Type = "test.slow", Tenant = tenant };

    /// <summary>Enqueues the big tenant then the small ones, and runs them all on workers of concurrency 8 in all.</summary>
    /// <param name="nodes">With 2, each node gets a worker of half the concurrency; usage is shared through Redis.</param>
    private static async Task<Outcome> RunAsync(string fairness, int nodes = 1)
    {
        await using var cluster = await TestCluster.StartAsync(nodes, configure: o => o.Fairness = fairness);
        var totals = new Dictionary<string, int>();
        var client = cluster.Client();
        await client.EnqueueBatchAsync(Enumerable.Range(0, BigJobs).Select(_ => Job("t0")));
        totals["t0"] = BigJobs;
        for (var t = 1; t <= SmallTenants; t++)
        {
            await client.EnqueueBatchAsync(Enumerable.Range(0, SmallJobs).Select(_ => Job($"t{t}")));
            totals[$"t{t}"] = SmallJobs;
        }
        var starts = new ConcurrentQueue<string>();
        var smallStarted = 0;
        var startsWhenSmallDone = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        for (var node = 0; node < nodes; node++) cluster.StartWorker(node, w => w.Handle("test.slow", async context =>
        {
            starts.Enqueue(context.Tenant);
            var position = Interlocked.Increment(ref started);
            if (context.Tenant != "t0" && Interlocked.Increment(ref smallStarted) == SmallAlone) startsWhenSmallDone.TrySetResult(position);
            await Task.Delay(JobDuration); // the job's simulated work, so the worker's slots stay busy
            return JobResult.Complete();
        }), concurrency: 8 / nodes);
        var startsBeforeLastSmall = await startsWhenSmallDone.Task.WaitAsync(TimeSpan.FromSeconds(120));
        return new Outcome(startsBeforeLastSmall, FairnessMeasures.JainIndexWhileAllBacklogged(starts.ToArray(), totals));
    }

    [Fact]
    public async Task Round_robin_keeps_small_tenants_close_to_their_time_alone_while_fifo_starves_them()
    {
        var roundRobin = await RunAsync("round_robin");
        var fifo = await RunAsync("fifo");

        // Round robin over 10 backlogged tenants lets the big one start about one job in ten: ~400 starts, not 360.
        Assert.True(roundRobin.StartsBeforeLastSmall <= SmallAlone * 2, $"round_robin: the small tenants finished starting after {roundRobin.StartsBeforeLastSmall} starts; alone they need {SmallAlone}");
        Assert.True(roundRobin.JainWhileAllBacklogged >= 0.9, $"Jain's index {roundRobin.JainWhileAllBacklogged:F3}");
        Assert.True(fifo.StartsBeforeLastSmall > BigJobs, $"fifo: the small tenants finished starting after {fifo.StartsBeforeLastSmall} starts, before the big tenant's {BigJobs}");
        Assert.True(fifo.JainWhileAllBacklogged < 0.5, $"fifo Jain's index {fifo.JainWhileAllBacklogged:F3}");
    }

    [Fact]
    public async Task Round_robin_across_two_nodes_with_workers_on_both_still_keeps_small_tenants_close_to_their_time_alone()
    {
        var roundRobin = await RunAsync("round_robin", nodes: 2);

        Assert.True(roundRobin.StartsBeforeLastSmall <= SmallAlone * 2, $"round_robin on 2 nodes: the small tenants finished starting after {roundRobin.StartsBeforeLastSmall} starts; alone they need {SmallAlone}");
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
