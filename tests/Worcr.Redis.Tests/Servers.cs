using Worcr.LocalServices;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

/// <summary>Options and connections for the shared test Redis, each test with its own key prefix.</summary>
internal static class Servers
{
    public static async Task<RedisOptions> SharedAsync(TimeSpan? commandTimeout = null) => new()
    {
        Url = await TestServices.RedisAsync(),
        KeyPrefix = TestServices.NewKeyPrefix("redis"),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10),
    };

    public static RedisOptions For(RedisProcess redis, string path = "") => new()
    {
        Url = redis.Url + path,
        KeyPrefix = TestServices.NewKeyPrefix("redis"),
        CommandTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>
    /// Waits until Redis reports a client blocked in a command (such as BLPOP), i.e. that command was surely
    /// written and is in flight. Asks the server repeatedly: the state is observable only there.
    /// </summary>
    public static async Task WaitForBlockedClientAsync(RedisConnection observer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await observer.ExecuteAsync("INFO", "clients")).AsString()!.Contains("blocked_clients:1"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("No client became blocked.");
        }
    }
}
