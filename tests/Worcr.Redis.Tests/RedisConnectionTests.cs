using StackExchange.Redis;
using Worcr.Testing;

namespace Worcr.Redis.Tests;

public sealed class RedisConnectionTests
{
    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Sixty_four_concurrent_callers_on_one_connection_each_get_their_own_answers(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind, TimeSpan.FromSeconds(30));
        await using var connection = await RedisConnection.ConnectAsync(options);

        var callers = Enumerable.Range(0, 64).Select(async caller =>
        {
            var key = $"{options.KeyPrefix}counter:{caller}";
            var wrong = 0;
            for (var expected = 1; expected <= 200; expected++)
            {
                if (await connection.Database.StringIncrementAsync(key) != expected) wrong++;
            }
            return wrong;
        });

        Assert.All(await Task.WhenAll(callers), wrong => Assert.Equal(0, wrong));
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Script_runs_again_after_SCRIPT_FLUSH(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(options);
        const string script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
        var key = options.KeyPrefix + "scripted";
        await connection.EvalAsync(script, [key], [2]);

        foreach (var server in admin.GetServers()) await server.ScriptFlushAsync();
        var afterFlush = await connection.EvalAsync(script, [key], [3]);

        Assert.Equal(5, (long)afterFlush);
    }

    [Fact]
    public async Task Repeated_script_is_sent_by_its_sha1_not_its_source()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(options);

        for (var i = 0; i < 20; i++) await connection.EvalAsync("return redis.call('INCR', KEYS[1])", [options.KeyPrefix + "n"], []);
        var stats = (await admin.GetServers().Single().InfoAsync("commandstats")).SelectMany(group => group).ToDictionary(p => p.Key, p => p.Value);

        // At most the very first call carries the source (before the multiplexer learnt the script is loaded).
        Assert.InRange(CommandStats.Calls(stats, "cmdstat_evalsha"), 19, 20);
        Assert.InRange(CommandStats.Calls(stats, "cmdstat_eval"), 0, 1);
    }

    [Fact]
    public async Task Url_database_number_is_the_connection_database()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        var options = Servers.For(redis.Url + "/5");
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(Servers.For(redis.Url));

        await connection.Database.StringSetAsync("in-five", "x");

        Assert.Equal(5, connection.Database.Database);
        Assert.Equal(("x", false), ((string?)await admin.GetDatabase(5).StringGetAsync("in-five"), await admin.GetDatabase(0).KeyExistsAsync("in-five")));
    }

    [Fact]
    public async Task Password_and_acl_user_in_the_url_authenticate_and_a_wrong_password_fails_clearly()
    {
        await using var redis = await TestServices.StartPrivateRedisAsync();
        await using (var admin = await Servers.AdminAsync(Servers.For(redis.Url)))
        {
            var server = admin.GetServers().Single();
            await server.ExecuteAsync("ACL", "SETUSER", "app", "on", ">app-pw", "~*", "&*", "+@all");
            await server.ConfigSetAsync("requirepass", "s3cret");
        }

        await using var byPassword = await RedisConnection.ConnectAsync(RedisOptions.Parse($"redis://:s3cret@127.0.0.1:{redis.Port}"));
        await using var byUser = await RedisConnection.ConnectAsync(RedisOptions.Parse($"redis://app:app-pw@127.0.0.1:{redis.Port}"));
        var wrong = await Assert.ThrowsAsync<RedisConnectionException>(
            () => RedisConnection.ConnectAsync(RedisOptions.Parse($"redis://:nope@127.0.0.1:{redis.Port}")));

        Assert.True(await byPassword.Database.StringSetAsync("k", "v"));
        Assert.Equal("v", (string?)await byUser.Database.StringGetAsync("k"));
        Assert.Contains("Authentication", wrong.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("nope", wrong.Message);
    }

    [Fact]
    public async Task Tls_server_is_refused_without_its_authority_or_without_a_client_certificate()
    {
        var url = RedisUrl.Parse(await TestServices.RedisTlsAsync());
        var host = url.Hosts.Single();

        var noAuthority = url with { CaFile = null };
        var noClientCertificate = url with { ClientCertificateFile = null, ClientKeyFile = null };
        var plain = url with { Tls = false, CaFile = null, ClientCertificateFile = null, ClientKeyFile = null };

        foreach (var refused in new[] { noAuthority, noClientCertificate, plain })
        {
            var options = Servers.For(refused.ToString());
            options.ConnectTimeout = TimeSpan.FromSeconds(2);
            await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));
        }
        await using var accepted = await Servers.ConnectAsync(RedisKind.Tls);
        Assert.True(accepted.IsConnected, host.ToString());
    }

    [Fact]
    public async Task Connecting_to_a_port_without_redis_fails_with_a_connection_exception_naming_the_endpoint()
    {
        var options = new RedisOptions { Url = $"redis://127.0.0.1:{LocalServices.FreePort.Find()}", ConnectTimeout = TimeSpan.FromSeconds(2) };

        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => RedisConnection.ConnectAsync(options));

        Assert.Contains($"redis://127.0.0.1:", error.Message);
    }

    [Fact]
    public async Task Cancelled_script_call_throws_operation_cancelled()
    {
        await using var connection = await Servers.ConnectAsync(RedisKind.Standalone);
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.EvalAsync("return 1", [], [], cancellation.Token));
    }
}
