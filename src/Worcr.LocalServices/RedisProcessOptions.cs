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
}
