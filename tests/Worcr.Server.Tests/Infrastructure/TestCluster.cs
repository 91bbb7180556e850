using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Worcr.Admin;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Server.Hosting;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Dispatcher nodes of one test, sharing a pooled migrated PostgreSQL schema and a fresh Redis key prefix on the real servers.
/// Timings are shortened so lost workers and retries show up within a test's patience.
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly string[] TestJobTypes = ["test.echo", "test.slow", "test.count", "demo.echo", "demo.count"];
    private readonly List<DispatcherNode> _nodes = new();
    private readonly List<IAsyncDisposable> _owned = new();

    private readonly RentedSchema? _schema;
    private readonly FaultServers? _servers;

    private TestCluster(RentedSchema? schema, string schemaName, string redisPrefix, WorcrDatabase database, FaultServers? servers = null)
    {
        _schema = schema;
        _servers = servers;
        Schema = schemaName;
        RedisPrefix = redisPrefix;
        Database = database;
    }

    public string Schema { get; }

    public string RedisPrefix { get; }

    /// <summary>Direct access to the cluster's tables, for assertions.</summary>
    public WorcrDatabase Database { get; }

    public IReadOnlyList<DispatcherNode> Nodes => _nodes;

    /// <param name="time">The nodes' clock; the real one when null.</param>
    /// <param name="logs">Also receives every log line of the nodes (warnings and above), for tests that check what a node logs.</param>
    /// <param name="services">Adds to each node's services (a gRPC interceptor, say).</param>
    public static async Task<TestCluster> StartAsync(int nodes = 1, Action<NodeOptions>? configure = null, TimeProvider? time = null, ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var schema = await MigratedSchemas.RentAsync();
        var cluster = new TestCluster(schema, schema.Name, TestServices.NewKeyPrefix("srv"), WorcrDatabase.Create(schema.ConnectionString, schema.Name));
        for (var i = 0; i < nodes; i++) await cluster.AddNodeAsync(configure, time, logs, services);
        return cluster;
    }

    /// <summary>Nodes on a fault test's own PostgreSQL and Redis (a fresh schema there), which the test may kill and restart.</summary>
    public static async Task<TestCluster> StartOnAsync(FaultServers servers, int nodes = 1, Action<NodeOptions>? configure = null)
    {
        var schema = await servers.NewSchemaAsync();
        var cluster = new TestCluster(null, schema, TestServices.NewKeyPrefix("flt"), WorcrDatabase.Create(servers.Postgres.ConnectionString, schema), servers);
        for (var i = 0; i < nodes; i++) await cluster.AddNodeAsync(configure);
        return cluster;
    }

    public async Task<DispatcherNode> AddNodeAsync(Action<NodeOptions>? configure = null, TimeProvider? time = null, ILoggerProvider? logs = null,
        Action<IServiceCollection>? services = null)
    {
        var options = new NodeOptions
        {
            PostgresUrl = _servers?.Postgres.ConnectionString ?? await TestServices.PostgresAsync(),
            RedisUrl = _servers?.Redis.Url ?? await TestServices.RedisAsync(),
            Schema = Schema,
            RedisKeyPrefix = RedisPrefix,
            GrpcPort = 0,
            HttpPort = 0,
            AllowUnauthenticated = true,
            LeaseDuration = TimeSpan.FromSeconds(5),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            ReconcileInterval = TimeSpan.FromSeconds(1),
            MaintenanceInterval = TimeSpan.FromMilliseconds(200),
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
            NodeId = $"node-{_nodes.Count + 1}-{Guid.NewGuid():N}"[..20],
        };
        foreach (var type in TestJobTypes) options.JobTypes.Add(type);
        configure?.Invoke(options);
        // WORCR_TEST_NODE_LOG=1 prints the nodes' logs (Information and up) to the test's output, to diagnose a failure.
        var node = await DispatcherNode.StartAsync(options, [new AdminModule()], logging =>
            {
                if (Environment.GetEnvironmentVariable("WORCR_TEST_NODE_LOG") == "1") logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }).SetMinimumLevel(LogLevel.Information);
                else logging.SetMinimumLevel(LogLevel.Warning);
                if (logs is not null) logging.AddProvider(logs);
            },
            nodeServices =>
            {
                if (time is not null) nodeServices.AddSingleton(time);
                services?.Invoke(nodeServices);
            }, CancellationToken.None);
        _nodes.Add(node);
        return node;
    }

    public WorcrClient Client(int node = 0, string? apiKey = null)
    {
        var client = new WorcrClient(_nodes[node].GrpcAddress, apiKey);
        _owned.Add(new DisposableAdapter(client));
        return client;
    }

    /// <summary>A worker connected to one node; it runs until the cluster is disposed (or the test stops it).</summary>
    /// <param name="reconnectMaxDelay">The worker's longest wait between reconnects (the SDK's default when null).</param>
    /// <param name="shutdownGrace">How long its running jobs may take to finish once it leaves (5 s when null).</param>
    public RunningWorker StartWorker(int node, Action<WorcrWorker> register, int concurrency = 8, IReadOnlyList<string>? tags = null, string? id = null,
        TimeSpan? reconnectMaxDelay = null, int prefetch = 0, TimeSpan? shutdownGrace = null)
    {
        var worker = new WorcrWorker(new WorkerOptions
        {
            ReconnectMaxDelay = reconnectMaxDelay ?? new WorkerOptions { Address = _nodes[node].GrpcAddress }.ReconnectMaxDelay,
            Address = _nodes[node].GrpcAddress,
            Concurrency = concurrency,
            Prefetch = prefetch,
            Tags = tags ?? [],
            WorkerId = id ?? $"w-{Guid.NewGuid():N}"[..12],
            ShutdownGrace = shutdownGrace ?? TimeSpan.FromSeconds(5),
        });
        register(worker);
        var running = new RunningWorker(worker);
        _owned.Add(running);
        return running;
    }

    public Task<long> CountAsync(JobState state) => Database.Jobs.CountAsync(state);

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        foreach (var node in _nodes) await node.DisposeAsync();
        await Database.DisposeAsync();
        // A loop that ignores its stop signal would hang a real node's shutdown: fail the test that found it.
        var stuck = _nodes.SelectMany(n => n.LoopsThatDidNotStop.Select(loop => $"{n.NodeId}: {loop}")).ToArray();
        if (stuck.Length > 0)
        {
            // A loop still running may still write to the schema: never hand it to another test.
            _schema?.Abandon();
            throw new InvalidOperationException("Background loops did not stop: " + string.Join(", ", stuck));
        }
        // Every node is stopped and every data source disposed: the schema goes back to the pool, emptied.
        if (_schema is not null) await _schema.DisposeAsync();
    }

    private sealed class DisposableAdapter(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
