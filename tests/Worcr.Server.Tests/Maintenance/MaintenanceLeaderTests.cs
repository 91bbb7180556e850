using Microsoft.Extensions.Options;
using Worcr.Redis;
using Worcr.Server.Hosting;
using Worcr.Server.Maintenance;
using Worcr.Testing;
using static Worcr.Server.Tests.Maintenance.MaintenanceDatabase;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>The leader runs its maintainers only while it holds the Redis leader lock, and one failing duty stops no other.</summary>
public sealed class MaintenanceLeaderTests
{
    [Fact]
    public async Task Only_the_node_holding_the_lock_runs_the_maintainers()
    {
        await using var redis = await ConnectAsync();
        var prefix = TestServices.NewKeyPrefix();
        var onA = new CountingMaintainer(readyJobs: 0);
        var onB = new CountingMaintainer(readyJobs: 0);
        var a = Leader(redis, prefix, "node-a", [onA]);
        var b = Leader(redis, prefix, "node-b", [onB]);

        await a.RunOnceAsync(CancellationToken.None);
        await b.RunOnceAsync(CancellationToken.None);

        Assert.Equal((1, 0), (onA.Runs, onB.Runs));
        Assert.Equal((true, false), (a.IsLeader, b.IsLeader));
    }

    [Fact]
    public async Task A_failing_maintainer_does_not_stop_the_next_and_jobs_made_ready_wake_dispatch_once()
    {
        await using var redis = await ConnectAsync();
        var after = new CountingMaintainer(readyJobs: 3);
        var wakes = 0;
        var leader = Leader(redis, TestServices.NewKeyPrefix(), "node-a", [new FailingMaintainer(), after, new CountingMaintainer(readyJobs: 2)], () => wakes++);

        await leader.RunOnceAsync(CancellationToken.None);

        Assert.Equal((1, 1), (after.Runs, wakes));
    }

    [Fact]
    public async Task A_pass_that_made_nothing_ready_does_not_wake_dispatch()
    {
        await using var redis = await ConnectAsync();
        var wakes = 0;
        var leader = Leader(redis, TestServices.NewKeyPrefix(), "node-a", [new CountingMaintainer(readyJobs: 0)], () => wakes++);

        await leader.RunOnceAsync(CancellationToken.None);

        Assert.Equal(0, wakes);
    }

    private static async Task<RedisConnection> ConnectAsync() => await RedisConnection.ConnectAsync(RedisOptions.Parse(await TestServices.RedisAsync()));

    private static MaintenanceLeader Leader(RedisConnection redis, string prefix, string nodeId, IMaintainer[] maintainers, Action? onJobsReady = null) =>
        new(new RedisLeaderLock(redis, prefix), maintainers, Options.Create(new MaintenanceOptions()), Node(nodeId), TimeProvider.System,
            Log<MaintenanceLeader>(), onJobsReady ?? (() => { }), telemetry: null);

    private sealed class CountingMaintainer(int readyJobs) : IMaintainer
    {
        public int Runs { get; private set; }

        public string Name => "counting";

        public Task<int> RunOnceAsync(long fencingToken, CancellationToken ct)
        {
            Runs++;
            return Task.FromResult(readyJobs);
        }
    }

    private sealed class FailingMaintainer : IMaintainer
    {
        public string Name => "failing";

        public Task<int> RunOnceAsync(long fencingToken, CancellationToken ct) => throw new InvalidOperationException("duty failed");
    }
}
