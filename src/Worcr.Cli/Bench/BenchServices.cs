using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>
/// PostgreSQL (durable: fsync and synchronous commit on, as BENCH.md asks) and Redis for one bench invocation:
/// child processes with fresh data directories that are deleted afterwards, unless URLs were given.
/// </summary>
internal sealed class BenchServices : IAsyncDisposable
{
    private readonly string _directory;
    private readonly PostgresProcess? _postgres;
    private readonly RedisProcess? _redis;

    private BenchServices(string directory, PostgresProcess? postgres, RedisProcess? redis, string postgresUrl, string redisUrl)
    {
        _directory = directory;
        _postgres = postgres;
        _redis = redis;
        PostgresUrl = postgresUrl;
        RedisUrl = redisUrl;
    }

    public string PostgresUrl { get; }

    public string RedisUrl { get; }

    public static async Task<BenchServices> StartAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"worcr-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        PostgresProcess? postgres = null;
        RedisProcess? redis = null;
        try
        {
            if (settings.PostgresUrl is null) postgres = await PostgresProcess.StartAsync(new PostgresProcessOptions { DataDirectory = Path.Combine(directory, "postgres"), Durable = true, Ephemeral = true }, cancellationToken);
            if (settings.RedisUrl is null) redis = await RedisProcess.StartAsync(new RedisProcessOptions { DataDirectory = Path.Combine(directory, "redis"), Ephemeral = true }, cancellationToken);
            return new BenchServices(directory, postgres, redis, settings.PostgresUrl ?? postgres!.ConnectionString, settings.RedisUrl ?? redis!.Url);
        }
        catch
        {
            if (redis is not null) await redis.DisposeAsync();
            if (postgres is not null) await postgres.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
