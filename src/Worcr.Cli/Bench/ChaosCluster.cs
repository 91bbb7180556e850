using System.Globalization;
using Worcr.LocalServices;
using Worcr.Postgres;

namespace Worcr.Cli.Bench;

/// <summary>
/// The system `worcr bench chaos` breaks, one per fault run: its own PostgreSQL (durable) and Redis, two nodes as
/// `worcr serve` processes on a fresh schema and key prefix (node B reaches Redis through a <see cref="TcpProxy"/>,
/// so it alone can be cut off), and chaos worker processes, half on each node. Short leases (5 s) and heartbeats
/// (1 s), as in the fault tests, so a fault's cost shows within a run.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private readonly string _directory;
    private readonly Dictionary<string, object> _settings;
    private readonly ChaosSettings _chaos;
    private readonly List<ChaosWorkerProcess> _workers = [];
    private NodeProcess _nodeB;
    private int _workerCount;

    private ChaosCluster(string directory, PostgresProcess postgres, RedisProcess redis, TcpProxy redisLink, Dictionary<string, object> settings,
        ChaosSettings chaos, NodeProcess nodeA, NodeProcess nodeB, Uri addressA, Uri addressB)
    {
        _directory = directory;
        Postgres = postgres;
        Redis = redis;
        RedisLinkOfB = redisLink;
        _settings = settings;
        _chaos = chaos;
        NodeA = nodeA;
        _nodeB = nodeB;
        AddressA = addressA;
        AddressB = addressB;
    }

    public PostgresProcess Postgres { get; }

    public RedisProcess Redis { get; }

    /// <summary>Node B's connection to Redis: cut it to cut B off while A keeps Redis.</summary>
    public TcpProxy RedisLinkOfB { get; }

    public NodeProcess NodeA { get; }

    public Uri AddressA { get; }

    public Uri AddressB { get; }

    public string Schema => (string)_settings["Schema"];

    public IReadOnlyList<ChaosWorkerProcess> Workers => _workers;

    public static async Task<ChaosCluster> StartAsync(ChaosSettings chaos, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"worcr-chaos-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var postgres = await PostgresProcess.StartAsync(new PostgresProcessOptions { DataDirectory = Path.Combine(directory, "postgres"), Durable = true, Ephemeral = true }, cancellationToken);
        var redis = await RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = Path.Combine(directory, "redis"), Ephemeral = true }, cancellationToken);
        var redisLink = new TcpProxy(redis.Port);
        var rules = Directory.CreateDirectory(Path.Combine(directory, "rules")).FullName;
        await File.WriteAllTextAsync(Path.Combine(rules, "limits.json"), ChaosJob.LimitFile(chaos.Capacity), cancellationToken);
        var schema = "chaos_" + Guid.NewGuid().ToString("N")[..8];
        await using (var database = WorcrDatabase.Create(postgres.ConnectionString, schema)) await database.MigrateAsync(cancellationToken);
        var settings = new Dictionary<string, object>
        {
            ["PostgresUrl"] = postgres.ConnectionString,
            ["Schema"] = schema,
            ["RedisKeyPrefix"] = $"worcr-chaos-{schema}:",
            ["HttpPort"] = 0,
            ["AllowUnauthenticated"] = true,
            ["JobTypes"] = new[] { ChaosJob.Type },
            ["RulesDirectory"] = rules,
            ["LeaseDuration"] = Span(LeaseDuration),
            ["HeartbeatInterval"] = Span(TimeSpan.FromSeconds(1)),
            ["ReconcileInterval"] = Span(TimeSpan.FromSeconds(1)),
            ["MaintenanceInterval"] = Span(TimeSpan.FromMilliseconds(500)),
        };
        var (nodeA, addressA) = await StartNodeAsync(directory, "a", settings, redis.Url, FreePort.Find());
        var (nodeB, addressB) = await StartNodeAsync(directory, "b", settings, $"redis://127.0.0.1:{redisLink.Port}", FreePort.Find());
        var cluster = new ChaosCluster(directory, postgres, redis, redisLink, settings, chaos, nodeA, nodeB, addressA, addressB);
        for (var i = 0; i < chaos.Workers; i++) cluster.StartWorker(i % 2 == 0 ? addressA : addressB);
        await Task.WhenAll(cluster._workers.Select(w => w.Ready)).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return cluster;
    }

    /// <summary>A new worker process on the node at <paramref name="address"/>, given the other node as its other address.</summary>
    public ChaosWorkerProcess StartWorker(Uri address)
    {
        var id = $"chaos-w{Interlocked.Increment(ref _workerCount)}";
        var other = address == AddressA ? AddressB : AddressA;
        var worker = ChaosWorkerProcess.Start(address, other, id, _chaos.Concurrency, _chaos.Prefetch, _chaos.Steps, _chaos.StepTime, _directory);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>kill -9 of node B.</summary>
    public async Task KillNodeBAsync()
    {
        _nodeB.Kill();
        await _nodeB.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await _nodeB.DisposeAsync();
    }

    /// <summary>Node B again on its address (as an orchestrator restarts a killed node), so its workers reconnect.</summary>
    public async Task RestartNodeBAsync(CancellationToken cancellationToken)
    {
        (_nodeB, _) = await StartNodeAsync(_directory, "b", _settings, $"redis://127.0.0.1:{RedisLinkOfB.Port}", AddressB.Port, cancellationToken);
    }

    private static async Task<(NodeProcess Node, Uri Address)> StartNodeAsync(string directory, string name, Dictionary<string, object> shared, string redisUrl,
        int grpcPort, CancellationToken cancellationToken = default)
    {
        var settings = new Dictionary<string, object>(shared) { ["RedisUrl"] = redisUrl, ["GrpcPort"] = grpcPort };
        var node = NodeProcess.Start(CliCommand.Current(), Directory.CreateDirectory(Path.Combine(directory, "node-" + name)).FullName, settings);
        try
        {
            return (node, await node.GrpcAddress.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    private static string Span(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers) await worker.DisposeAsync();
        await NodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await RedisLinkOfB.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
