using Worcr.Redis.Internal;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

/// <summary>Worcr's own scripts go by their SHA1 (EVALSHA) and fall back to their text where a server lacks them.</summary>
public sealed class RedisScriptTests
{
    private static readonly RedisScript Add = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Script_unknown_to_the_server_and_again_after_SCRIPT_FLUSH_runs_once_each_time(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(options);
        var key = options.KeyPrefix + "scripted";
        foreach (var server in admin.GetServers()) await server.ScriptFlushAsync();

        await connection.EvalAsync(Add, [key], [2]);
        foreach (var server in admin.GetServers()) await server.ScriptFlushAsync();
        var afterFlush = await connection.EvalAsync(Add, [key], [3]);

        // 5, not 8 or 10: a NOSCRIPT answer means the script did not run, and it ran once by its text instead.
        Assert.Equal(5, (long)afterFlush);
    }

    [Fact]
    public async Task Known_script_is_sent_by_its_sha1_only()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(options);

        for (var i = 0; i < 20; i++) await connection.EvalAsync(Add, [options.KeyPrefix + "n"], [1]);
        var stats = (await admin.GetServers().Single().InfoAsync("commandstats")).SelectMany(group => group).ToDictionary(p => p.Key, p => p.Value);

        // The first EVALSHA finds nothing, the text goes once (EVAL), every later call is an EVALSHA that runs.
        Assert.Equal(1, CommandStats.Calls(stats, "cmdstat_eval"));
        Assert.Equal(20, CommandStats.Calls(stats, "cmdstat_evalsha"));
        Assert.Equal(1, CommandStats.FailedCalls(stats, "cmdstat_evalsha"));
    }

    [Fact]
    public void Sha1_is_the_one_Redis_names_the_script_by()
    {
        // SHA1("return 1"), as `redis-cli SCRIPT LOAD "return 1"` prints it.
        Assert.Equal("e0e1f9fabfc9d4800c877a703b823ac0578ff8db", Convert.ToHexStringLower(new RedisScript("return 1").Sha1));
    }
}
