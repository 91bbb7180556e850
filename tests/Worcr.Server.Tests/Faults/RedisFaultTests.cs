using Worcr.LocalServices;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// Redis faults under load, on a Redis of the class's own: a restart that loses every key, and one node cut off
/// while the other keeps Redis. Nothing is lost, no job runs twice at once, the concurrency limit never admits
/// more than its capacity (its holders live in Redis), and dispatch resumes within 10 s.
/// </summary>
public sealed class RedisFaultTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private const int Jobs = 30;
    private const int Capacity = 3;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_restart_without_saving_keeps_the_concurrency_limit_and_loses_no_job()
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 2, o => o.RulesDirectory = rules.Path);
        // Long steps: the attempts running when Redis empties are still running when it comes back, so admitting
        // against the empty counters would run up to twice the capacity.
        var load = new FaultLoad(steps: 10, stepTime: TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 4; i++) cluster.StartWorker(i % 2, load.Register, concurrency: 3, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);
        await FaultLoad.EnqueueAsync(cluster.Client(), Jobs);
        await load.WaitForStartsAsync(Capacity, TimeSpan.FromSeconds(30));

        await servers.Redis.ShutdownNoSaveAsync();
        await servers.Redis.StartAgainAsync();
        await load.NextStartAsync().WaitAsync(Recovery);

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task A_node_cut_off_from_redis_loses_no_job_and_the_limit_holds()
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var proxy = servers.RedisProxy();
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1, o => o.RulesDirectory = rules.Path);
        await cluster.AddNodeAsync(o =>
        {
            o.RulesDirectory = rules.Path;
            o.RedisUrl = $"redis://127.0.0.1:{proxy.Port}";
        });
        var load = new FaultLoad(steps: 8, stepTime: TimeSpan.FromMilliseconds(50));
        for (var i = 0; i < 4; i++) cluster.StartWorker(i % 2, load.Register, concurrency: 2, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);
        await FaultLoad.EnqueueAsync(cluster.Client(), Jobs);
        await load.WaitForStartsAsync(Capacity, TimeSpan.FromSeconds(30));

        // Shorter than the lease (5 s): the cut node's permits must not lapse meanwhile (see docs/operations.md).
        proxy.Cut();
        var othersGoOn = load.NextStartAsync();
        await othersGoOn.WaitAsync(Recovery);
        proxy.Restore();
        await load.NextStartAsync().WaitAsync(Recovery);

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(45));
    }
}
