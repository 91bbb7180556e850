using Npgsql;
using Worcr.LocalServices;

namespace Worcr.Testing;

/// <summary>
/// One real PostgreSQL and one real Redis for the whole test process, started on first use with the same
/// code `worcr dev` uses. When WORCR_TEST_POSTGRES and WORCR_TEST_REDIS are set (`./worcr test` sets them),
/// those servers are used instead, so several test projects share one pair.
/// Tests isolate themselves with a migrated schema from <see cref="MigratedSchemas"/> (an empty one from
/// <see cref="CreateSchemaAsync"/> for tests of the migrations themselves) and a key prefix (<see cref="NewKeyPrefix"/>).
/// </summary>
public static class TestServices
{
    private static readonly Lazy<Task<SharedServers>> Shared = new(StartSharedAsync);
    private static readonly Lazy<Task<RedisProcess>> SharedTlsRedis = new(() => StopAtExit(StartPrivateTlsRedisAsync(), redis => redis.RequestStop()));
    private static readonly Lazy<Task<RedisClusterProcess>> SharedRedisCluster = new(() => StopAtExit(StartPrivateRedisClusterAsync(), cluster => cluster.RequestStop()));
    private static readonly List<(Action RequestStop, Action Stop)> RunningServers = [];
    private static int _counter;

    /// <summary>Connection string of the shared PostgreSQL database.</summary>
    public static async Task<string> PostgresAsync() => (await Shared.Value).PostgresConnectionString;

    /// <summary>URL of the shared Redis, e.g. redis://127.0.0.1:6390.</summary>
    public static async Task<string> RedisAsync() => (await Shared.Value).RedisUrl;

    /// <summary>URL of a shared TLS-only Redis that requires a client certificate (rediss://...?ca=...&amp;cert=...&amp;key=...).</summary>
    public static async Task<string> RedisTlsAsync() => (await SharedTlsRedis.Value).Url;

    /// <summary>URL of a shared 3-primary Redis Cluster, every node a seed (redis://host:port,host:port,host:port).</summary>
    public static async Task<string> RedisClusterAsync() => (await SharedRedisCluster.Value).Url;

    /// <summary>Creates an empty schema no other test uses and returns its name.</summary>
    public static async Task<string> CreateSchemaAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using var connection = new NpgsqlConnection(await PostgresAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE SCHEMA \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>A Redis key prefix no other test uses, ending in ':'.</summary>
    public static string NewKeyPrefix(string prefix = "t") =>
        $"{prefix}:{Environment.ProcessId}:{Interlocked.Increment(ref _counter)}:{Guid.NewGuid():N}:";

    /// <summary>A PostgreSQL of the test's own, for tests that stop or restart the server.</summary>
    /// <param name="crashSafe">For tests that crash the server: no acknowledged commit is lost (PostgresProcessOptions.CrashSafe).</param>
    public static Task<PostgresProcess> StartPrivatePostgresAsync(bool crashSafe = false)
    {
        TestTier.RequireIntegration("PostgreSQL");
        return PostgresProcess.StartAsync(new PostgresProcessOptions { DataDirectory = NewTempDirectory("pg"), Durable = false, CrashSafe = crashSafe, Ephemeral = true });
    }

    /// <summary>A Redis of the test's own, for tests that stop or restart the server.</summary>
    public static Task<RedisProcess> StartPrivateRedisAsync()
    {
        TestTier.RequireIntegration("Redis");
        return RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = NewTempDirectory("redis"), Ephemeral = true });
    }

    /// <summary>A TLS-only Redis of the test's own, with a fresh certificate authority and client certificate.</summary>
    public static Task<RedisProcess> StartPrivateTlsRedisAsync()
    {
        TestTier.RequireIntegration("Redis");
        var directory = NewTempDirectory("redis-tls");
        return RedisProcess.StartAsync(new RedisProcessOptions
        {
            DataDirectory = directory, Ephemeral = true, Tls = RedisTlsFiles.Create(Path.Combine(directory, "tls")),
        });
    }

    /// <summary>A 3-primary Redis Cluster of the test's own.</summary>
    public static Task<RedisClusterProcess> StartPrivateRedisClusterAsync()
    {
        TestTier.RequireIntegration("a Redis Cluster");
        return RedisClusterProcess.StartAsync(NewTempDirectory("redis-cluster"));
    }

    /// <summary>A primary, a replica and two Sentinels monitoring them as <paramref name="serviceName"/>, of the test's own.</summary>
    public static Task<RedisSentinelGroup> StartPrivateRedisSentinelGroupAsync(string serviceName = "worcr-primary")
    {
        TestTier.RequireIntegration("Redis Sentinel");
        return RedisSentinelGroup.StartAsync(NewTempDirectory("redis-sentinel"), serviceName);
    }

    /// <summary>A new empty directory under the system temp folder, readable by the PostgreSQL system user.</summary>
    public static string NewTempDirectory(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), $"worcr-test-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task<SharedServers> StartSharedAsync()
    {
        TestTier.RequireIntegration("PostgreSQL and Redis");
        var postgresUrl = Environment.GetEnvironmentVariable("WORCR_TEST_POSTGRES");
        var redisUrl = Environment.GetEnvironmentVariable("WORCR_TEST_REDIS");
        if (!string.IsNullOrEmpty(postgresUrl) && !string.IsNullOrEmpty(redisUrl))
        {
            return new SharedServers(postgresUrl, redisUrl, null, null);
        }
        var postgres = await StartPrivatePostgresAsync();
        var redis = await StartPrivateRedisAsync();
        var shared = new SharedServers(postgres.ConnectionString, redis.Url, postgres, redis);
        StopAtExit(shared.RequestStop, shared.Stop);
        return shared;
    }

    // xunit 2 has no assembly-wide teardown; the servers stop when the test process exits. The host may be ended
    // before polite stops complete (orphaned servers were seen), so one handler first signals every server at once,
    // then waits for each.
    private static void StopAtExit(Action requestStop, Action stop)
    {
        lock (RunningServers)
        {
            if (RunningServers.Count == 0) AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
            RunningServers.Add((requestStop, stop));
        }
    }

    private static async Task<T> StopAtExit<T>(Task<T> starting, Action<T> requestStop) where T : IAsyncDisposable
    {
        var server = await starting;
        StopAtExit(() => requestStop(server), () => server.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return server;
    }

    private static void StopAll()
    {
        (Action RequestStop, Action Stop)[] servers;
        lock (RunningServers) servers = [.. RunningServers];
        foreach (var server in servers) server.RequestStop();
        foreach (var server in servers) server.Stop();
    }

    private sealed record SharedServers(string PostgresConnectionString, string RedisUrl, PostgresProcess? Postgres, RedisProcess? Redis)
    {
        /// <summary>Signals that stop both servers at once, sent before any polite stop.</summary>
        public void RequestStop()
        {
            Postgres?.RequestImmediateStop();
            Redis?.RequestStop();
        }

        public void Stop()
        {
            Redis?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Postgres?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
