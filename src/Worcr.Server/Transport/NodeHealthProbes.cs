using Worcr.Postgres;
using Worcr.Redis;

namespace Worcr.Server.Transport;

/// <summary>One cheap round trip to each store the node depends on; a probe that throws means unhealthy.</summary>
internal sealed record NodeHealthProbes(Func<CancellationToken, Task> Postgres, Func<CancellationToken, Task> Redis)
{
    public static NodeHealthProbes For(WorcrDatabase database, RedisConnection redis) => new(
        async cancellationToken =>
        {
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
        },
        cancellationToken => redis.Database.PingAsync().WaitAsync(cancellationToken));
}
