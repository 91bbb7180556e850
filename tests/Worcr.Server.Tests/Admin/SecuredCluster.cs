using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// Nodes that require credentials, as in production: the admin API and producers use the operator key as a
/// bearer token, workers the worker token. Wraps a <see cref="TestCluster"/>.
/// </summary>
internal sealed class SecuredCluster : IAsyncDisposable
{
    public const string ApiKey = "admin-data-key-41c2";
    public const string WorkerToken = "admin-data-worker-7d0e";
    private readonly List<IAsyncDisposable> _owned = new();

    private SecuredCluster(TestCluster cluster) => Cluster = cluster;

    public TestCluster Cluster { get; }

    public static async Task<SecuredCluster> StartAsync(int nodes = 1) =>
        new(await TestCluster.StartAsync(nodes, o =>
        {
            o.AllowUnauthenticated = false;
            o.ApiKey = ApiKey;
            o.WorkerToken = WorkerToken;
        }));

    public AdminClient Admin(int node = 0)
    {
        var admin = new AdminClient(Cluster.Nodes[node].HttpAddress, ApiKey);
        _owned.Add(new Disposer(admin.Dispose));
        return admin;
    }

    public WorcrClient Client(int node = 0) => Cluster.Client(node, ApiKey);

    public Task<ServerSentEventReader> StreamAsync(string path, int node = 0) =>
        ServerSentEventReader.OpenAsync(Cluster.Nodes[node].HttpAddress, path, ApiKey);

    /// <summary>A worker with the worker token, connected to one node until the cluster is disposed.</summary>
    public RunningWorker StartWorker(int node, Action<WorcrWorker> register, int concurrency = 4, IReadOnlyList<string>? tags = null, string? id = null)
    {
        var worker = new WorcrWorker(new WorkerOptions
        {
            Address = Cluster.Nodes[node].GrpcAddress,
            Concurrency = concurrency,
            Tags = tags ?? [],
            WorkerId = id ?? $"w-{Guid.NewGuid():N}"[..12],
            Token = WorkerToken,
            ShutdownGrace = TimeSpan.FromSeconds(2),
        });
        register(worker);
        var running = new RunningWorker(worker);
        _owned.Add(running);
        return running;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) await _owned[i].DisposeAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class Disposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
