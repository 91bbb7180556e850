namespace Worcr.LocalServices;

/// <summary>How to run a local redis-server.</summary>
public sealed class RedisProcessOptions
{
    /// <summary>Working directory of the server; created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The redis-server executable; found on PATH when null.</summary>
    public string? ServerPath { get; init; }

    /// <summary>Delete the data directory when the process is disposed (tests; never for `worcr dev`).</summary>
    public bool Ephemeral { get; init; }

    /// <summary>Serve TLS only (no plain port) with these files, and require client certificates signed by their authority.</summary>
    public RedisTlsFiles? Tls { get; init; }

    /// <summary>Start as a replica of the primary on this loopback port; started once its first sync finished.</summary>
    public int? ReplicaOfPort { get; init; }

    /// <summary>Start as a Redis Cluster node (cluster-enabled); <see cref="RedisClusterProcess"/> joins such nodes into a cluster.</summary>
    public bool ClusterEnabled { get; init; }
}
