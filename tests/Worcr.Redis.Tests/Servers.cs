using Worcr.Testing;

namespace Worcr.Redis.Tests;

/// <summary>The kinds of Redis every Redis-facing test runs against.</summary>
public enum RedisKind
{
    /// <summary>One plain redis-server (the suite's shared one).</summary>
    Standalone,

    /// <summary>A TLS-only redis-server that requires a client certificate (rediss:// with ca, cert and key).</summary>
    Tls,

    /// <summary>A Redis Cluster of three primaries; keys of one script must share a hash slot.</summary>
    Cluster,
}

/// <summary>Options and connections for the shared test servers, each test with its own key prefix.</summary>
internal static class Servers
{
    public static TheoryData<RedisKind> Kinds => [RedisKind.Standalone, RedisKind.Tls, RedisKind.Cluster];

    public static async Task<RedisOptions> SharedAsync(RedisKind kind = RedisKind.Standalone, TimeSpan? commandTimeout = null) =>
        For(await UrlAsync(kind), commandTimeout);

    public static async Task<RedisConnection> ConnectAsync(RedisKind kind) => await RedisConnection.ConnectAsync(await SharedAsync(kind));

    public static RedisOptions For(string url, TimeSpan? commandTimeout = null) => new()
    {
        Url = url,
        KeyPrefix = TestServices.NewKeyPrefix("redis"),
        CommandTimeout = commandTimeout ?? TimeSpan.FromSeconds(10),
    };

    public static Task<string> UrlAsync(RedisKind kind) => kind switch
    {
        RedisKind.Standalone => TestServices.RedisAsync(),
        RedisKind.Tls => TestServices.RedisTlsAsync(),
        RedisKind.Cluster => TestServices.RedisClusterAsync(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A multiplexer of the test's own with admin commands allowed (CONFIG, SCRIPT FLUSH, CLIENT KILL).</summary>
    public static async Task<StackExchange.Redis.ConnectionMultiplexer> AdminAsync(RedisOptions options)
    {
        var configuration = Internal.RedisConfiguration.From(options);
        configuration.AllowAdmin = true;
        return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(configuration);
    }

    /// <summary>The Redis server's clock (TIME), which the scripts use.</summary>
    public static async Task<DateTimeOffset> ServerTimeAsync(RedisConnection connection)
    {
        var time = (StackExchange.Redis.RedisResult[])(await connection.Database.ExecuteAsync("TIME"))!;
        return DateTimeOffset.FromUnixTimeSeconds((long)time[0]).AddTicks((long)time[1] * 10);
    }
}
