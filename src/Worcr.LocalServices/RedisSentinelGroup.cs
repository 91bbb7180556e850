namespace Worcr.LocalServices;

/// <summary>
/// A primary, one replica and Sentinels that monitor them under one service name, all on 127.0.0.1: what a
/// managed high-availability Redis looks like to a client. Ready once the replica has synced and every Sentinel
/// has discovered it, so a failover can pick it.
/// </summary>
public sealed class RedisSentinelGroup : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly List<RedisProcess> _servers = [];
    private readonly List<RedisSentinelProcess> _sentinels = [];

    private RedisSentinelGroup(string directory, string serviceName)
    {
        _directory = directory;
        ServiceName = serviceName;
    }

    public string ServiceName { get; }

    /// <summary>The server that was the primary at the start.</summary>
    public RedisProcess Primary => _servers[0];

    /// <summary>The server that replicated the primary at the start.</summary>
    public RedisProcess Replica => _servers[1];

    public IReadOnlyList<RedisSentinelProcess> Sentinels => _sentinels;

    /// <summary>The URL clients use: every Sentinel as a host, the service as <c>?sentinel=</c>.</summary>
    public string Url => "redis://" + string.Join(',', _sentinels.Select(s => $"127.0.0.1:{s.Port}")) + $"?sentinel={Uri.EscapeDataString(ServiceName)}";

    /// <param name="directory">Holds every server's and Sentinel's files; deleted when disposed.</param>
    /// <param name="serviceName">The name the Sentinels monitor the primary under.</param>
    /// <param name="sentinels">How many Sentinels (each with quorum 1, so any one of them can act alone).</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    public static async Task<RedisSentinelGroup> StartAsync(string directory, string serviceName, int sentinels = 2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sentinels, 1);
        var group = new RedisSentinelGroup(directory, serviceName);
        try
        {
            group._servers.Add(await RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = Path.Combine(directory, "primary") }, cancellationToken));
            group._servers.Add(await RedisProcess.StartAsync(new RedisProcessOptions
            {
                DataDirectory = Path.Combine(directory, "replica"), ReplicaOfPort = group.Primary.Port,
            }, cancellationToken));
            for (var i = 0; i < sentinels; i++)
            {
                var sentinel = await RedisSentinelProcess.StartAsync(group.Primary.Port, serviceName, Path.Combine(directory, $"sentinel{i}"), cancellationToken);
                group._sentinels.Add(sentinel);
            }
            await Task.WhenAll(group._sentinels.Select(s => s.ReplicaDiscoveredAsync(group.Replica.Port, ReadyTimeout, cancellationToken)));
            return group;
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sentinel in _sentinels) await sentinel.DisposeAsync();
        foreach (var server in _servers) await server.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
