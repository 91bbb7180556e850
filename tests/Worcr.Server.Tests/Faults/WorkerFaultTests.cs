using Worcr.LocalServices;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// kill -9 of a worker mid-job: the kernel resets its connection and the node hears no Goodbye. The worker reaches
/// the node through a <see cref="TcpProxy"/>, whose cut is that reset. The node releases the job at once (not a lease
/// later), frees its permit, and the job runs again elsewhere from its last checkpoint, never on two workers at once.
/// </summary>
public sealed class WorkerFaultTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private const int Jobs = 6;
    private const int Capacity = 1;

    [Fact]
    public async Task A_worker_killed_mid_job_loses_no_job_and_its_job_resumes_from_its_checkpoint_on_another_worker()
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1, o => o.RulesDirectory = rules.Path);
        await using var link = new TcpProxy(cluster.Nodes[0].GrpcAddress.Port);
        var load = new FaultLoad(steps: 10, stepTime: TimeSpan.FromMilliseconds(100));
        var checkpointed = load.NextCheckpointAsync();
        // The only worker at first, so it holds the lane's one permit when it dies.
        await using var doomed = new RunningWorker(Register(new WorcrWorker(new WorkerOptions
        {
            Address = new Uri($"http://127.0.0.1:{link.Port}"), Concurrency = 2, ReconnectMaxDelay = FaultLoad.ReconnectMaxDelay,
            WorkerId = $"doomed-{Guid.NewGuid():N}"[..16],
        }), load));
        await FaultLoad.EnqueueAsync(cluster.Client(), Jobs);
        var interrupted = await checkpointed.WaitAsync(TimeSpan.FromSeconds(30));

        link.Cut();
        cluster.StartWorker(0, load.Register, concurrency: 2, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(45));
        Assert.True(load.Resumed >= 1, "the interrupted job went on from its checkpoint");
        // Released by the node when the stream broke, with its permit, rather than by the reaper once the lease ran out.
        var job = await cluster.Database.Jobs.GetAsync(interrupted);
        Assert.NotNull(job);
        Assert.Contains("disconnected", job.LastError, StringComparison.Ordinal);
    }

    private static WorcrWorker Register(WorcrWorker worker, FaultLoad load)
    {
        load.Register(worker);
        return worker;
    }
}
