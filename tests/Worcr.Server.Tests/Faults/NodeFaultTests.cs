using System.Globalization;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// kill -9 of a node under load: `worcr serve` in a process of its own, beside an in-process node on the same
/// PostgreSQL and Redis. The killed node's jobs wait for their leases to end, then run again on the other node's
/// workers from their checkpoints; nothing is lost, nothing runs twice at once, the limit holds.
/// </summary>
public sealed class NodeFaultTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private const int Jobs = 30;
    private const int Capacity = 3;

    [Fact]
    public async Task A_node_killed_with_sigkill_loses_no_job_its_jobs_resume_from_their_checkpoints_elsewhere_and_its_workers_move_on()
    {
        using var rules = new RuleFiles().With("limits.json", FaultLoad.LimitFile(Capacity));
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1, o => o.RulesDirectory = rules.Path);
        await using var doomed = ChildNode.Start(TestServices.NewTempDirectory("killed-node"), new Dictionary<string, object>
        {
            ["PostgresUrl"] = servers.Postgres.ConnectionString,
            ["RedisUrl"] = servers.Redis.Url,
            ["Schema"] = cluster.Schema,
            ["RedisKeyPrefix"] = cluster.RedisPrefix,
            ["GrpcPort"] = 0,
            ["HttpPort"] = 0,
            ["AllowUnauthenticated"] = true,
            ["JobTypes"] = TestCluster.TestJobTypes,
            ["RulesDirectory"] = rules.Path,
            ["LeaseDuration"] = Seconds(5),
            ["HeartbeatInterval"] = Seconds(1),
            ["ReconcileInterval"] = Seconds(1),
            ["MaintenanceInterval"] = "00:00:00.2",
        });
        var doomedAddress = await doomed.GrpcAddress.WaitAsync(TimeSpan.FromSeconds(60));
        // Long steps, so the killed node's workers hold jobs with saved checkpoints when it dies.
        var load = new FaultLoad(steps: 10, stepTime: TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 2; i++) cluster.StartWorker(0, load.Register, concurrency: 2, reconnectMaxDelay: FaultLoad.ReconnectMaxDelay);
        // Given the surviving node as its other address, the killed node's worker moves there and works on.
        var survivor = cluster.Nodes[0];
        var cutOffWorker = NewWorker(doomedAddress, load, otherAddresses: [survivor.GrpcAddress]);
        var moved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cutOffWorker.Diagnostic += line =>
        {
            if (line.StartsWith($"Connected to node {survivor.NodeId} ", StringComparison.Ordinal)) moved.TrySetResult();
        };
        await using var cutOff = new RunningWorker(cutOffWorker);
        await FaultLoad.EnqueueAsync(cluster.Client(), Jobs);
        await load.WaitForStartsAsync(Capacity * 2, TimeSpan.FromSeconds(30));

        doomed.Kill();
        await doomed.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await load.NextStartAsync().WaitAsync(TimeSpan.FromSeconds(10));
        await moved.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await load.AssertSurvivedAsync(cluster, Jobs, Capacity, TimeSpan.FromSeconds(50));
    }

    private static WorcrWorker NewWorker(Uri address, FaultLoad load, IReadOnlyList<Uri> otherAddresses)
    {
        var worker = new WorcrWorker(new WorkerOptions
        {
            Address = address, OtherAddresses = otherAddresses, Concurrency = 2, ReconnectMaxDelay = FaultLoad.ReconnectMaxDelay,
            WorkerId = $"w-{Guid.NewGuid():N}"[..12],
        });
        load.Register(worker);
        return worker;
    }

    private static string Seconds(int seconds) => TimeSpan.FromSeconds(seconds).ToString("c", CultureInfo.InvariantCulture);
}
