namespace Worcr.LocalServices;

/// <summary>How to run a local PostgreSQL cluster.</summary>
public sealed class PostgresProcessOptions
{
    /// <summary>The cluster's data directory; initialised with initdb when empty.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Durable commits (fsync, synchronous_commit). On for `worcr dev` and benchmarks; tests turn it off
    /// because they never survive a power cut anyway.
    /// </summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// With <see cref="Durable"/> off: commits are still handed to the operating system before they are acknowledged
    /// (synchronous_commit on, fsync off), so a crash of the server process (kill -9, an immediate stop) loses none of
    /// them, though a power cut may. Tests that crash PostgreSQL need it: without it the last few hundred milliseconds
    /// of acknowledged commits vanish in the crash, and a test sees jobs lost that the product never lost.
    /// </summary>
    public bool CrashSafe { get; init; }

    /// <summary>Where initdb and postgres live (Debian's postgresql-15 package puts them here).</summary>
    public string BinDirectory { get; init; } = "/usr/lib/postgresql/15/bin";

    /// <summary>PostgreSQL refuses to run as root: when we are root, the server runs as this system user.</summary>
    public string SystemUser { get; init; } = "worcr";

    /// <summary>The database created for Worcr, and the superuser name.</summary>
    public string Database { get; init; } = "worcr";

    /// <summary>max_connections of the server.</summary>
    public int MaxConnections { get; init; } = 200;

    /// <summary>Delete the data directory when the process is disposed (tests; never for `worcr dev`).</summary>
    public bool Ephemeral { get; init; }
}
