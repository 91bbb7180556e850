using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis.Tests;

/// <summary>
/// Script calls made while others are in flight go out together in one write; each still gets its own reply and
/// its own error, on standalone, TLS and Cluster Redis (where one batch spans several slots and servers).
/// </summary>
public sealed class ScriptCallCoalescerTests
{
    private static readonly RedisScript Add = new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    private static readonly RedisScript RefuseNegative = new(
        "if tonumber(ARGV[1]) < 0 then return redis.error_reply('negative') end return redis.call('INCRBY', KEYS[1], ARGV[1])");

    private const int Keys = 8;

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Concurrent_calls_each_get_their_own_reply_and_go_out_in_shared_writes(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        const int calls = 2_000;

        // Calls share a write only while they are in flight together. A loaded full run once had no two in flight at
        // once over a whole TLS burst (largest batch 0), so the burst is made again, on fresh keys, until some were.
        for (var burst = 0; burst < 5 && connection.Scripts.LargestBatch <= 1; burst++)
        {
            // Keys with their own hash tags, so on a Cluster one batch reaches several slots and primaries.
            var replies = await Task.WhenAll(Enumerable.Range(0, calls)
                .Select(i => Reply(i % Keys, connection.EvalAsync(Add, [KeyOf(options, burst * Keys + i % Keys)], [1]))));

            // Each key was incremented once per call, and every call saw a different count: nobody got another's reply.
            foreach (var key in replies.GroupBy(r => r.Key))
                Assert.Equal(Enumerable.Range(1, calls / Keys).Select(n => (long)n), key.Select(r => r.Count).Order());
        }
        Assert.True(connection.Scripts.LargestBatch > 1, $"The largest batch held {connection.Scripts.LargestBatch} call(s).");
        Assert.Equal(0, connection.Scripts.InFlight);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task A_refused_call_fails_alone_and_its_neighbours_in_the_batch_succeed(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);

        var calls = Enumerable.Range(0, 500)
            .Select(i => connection.EvalAsync(RefuseNegative, [KeyOf(options, i % Keys)], [i % 50 == 7 ? -1 : 1]))
            .ToList();
        var errors = await Task.WhenAll(calls.Select(ErrorOf<RedisServerException>));

        Assert.Equal(10, errors.Count(e => e?.Contains("negative", StringComparison.Ordinal) == true));
        Assert.Equal(490, errors.Count(e => e is null));
        Assert.Equal(0, connection.Scripts.InFlight);
    }

    [Fact]
    public async Task A_call_whose_keys_span_two_Cluster_slots_fails_alone_in_its_batch()
    {
        var options = await Servers.SharedAsync(RedisKind.Cluster);
        await using var connection = await RedisConnection.ConnectAsync(options);

        var calls = Enumerable.Range(0, 400)
            .Select(i => i % 100 == 42
                ? connection.EvalAsync(Add, [KeyOf(options, 0), KeyOf(options, 1)], [1])
                : connection.EvalAsync(Add, [KeyOf(options, i % Keys)], [1]))
            .ToList();
        var errors = await Task.WhenAll(calls.Select(ErrorOf<RedisCommandException>));

        Assert.Equal(4, errors.Count(e => e is not null));
        Assert.Equal(0, connection.Scripts.InFlight);
    }

    [Fact]
    public async Task A_caller_closing_the_connection_as_its_refused_call_fails_does_not_hang()
    {
        var options = await Servers.SharedAsync(RedisKind.Cluster);
        var connection = await RedisConnection.ConnectAsync(options);
        var first = connection.EvalAsync(Add, [KeyOf(options, 0)], [1]);

        // Sent while the first is in flight, so batched; the batch is refused and the call fails on the sender's thread,
        // where this continuation runs inline and closes the connection.
        var refused = connection.EvalAsync(Add, [KeyOf(options, 0), KeyOf(options, 1)], [1]);
        var closed = refused.ContinueWith(_ => connection.DisposeAsync().AsTask(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();

        await closed.WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<RedisCommandException>(() => refused);
        await first.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [Theory]
    [MemberData(nameof(Servers.Kinds), MemberType = typeof(Servers))]
    public async Task Batched_calls_a_server_does_not_know_run_once_each_by_their_text(RedisKind kind)
    {
        var options = await Servers.SharedAsync(kind);
        await using var connection = await RedisConnection.ConnectAsync(options);
        await using var admin = await Servers.AdminAsync(options);
        var script = new RedisScript($"-- {Guid.NewGuid():N}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])");
        foreach (var server in admin.GetServers()) await server.ScriptFlushAsync();

        await Task.WhenAll(Enumerable.Range(0, 320).Select(i => connection.EvalAsync(script, [KeyOf(options, i % Keys)], [1])));

        // Every NOSCRIPT meant the call did not run, so each key counts exactly its calls, no more.
        var database = admin.GetDatabase();
        var counts = await Task.WhenAll(Enumerable.Range(0, Keys).Select(k => database.StringGetAsync(KeyOf(options, k))));
        Assert.All(counts, count => Assert.Equal(320 / Keys, (int)count));
    }

    [Fact]
    public async Task Calls_waiting_when_the_connection_closes_end_instead_of_hanging()
    {
        var options = await Servers.SharedAsync();
        var connection = await RedisConnection.ConnectAsync(options);
        var calls = Enumerable.Range(0, 2_000).Select(i => connection.EvalAsync(Add, [KeyOf(options, i % Keys)], [1])).ToList();

        await connection.DisposeAsync();

        // Each call either ran or failed (the library's error, or closed before it was sent); none is left pending.
        var ended = Task.WhenAll(calls.Select(call => call.ContinueWith(_ => { }, TaskScheduler.Default)));
        await ended.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(calls, call => Assert.True(call.IsCompleted));
        Assert.Equal(0, connection.Scripts.InFlight);
    }

    /// <summary>The message of the <typeparamref name="TException"/> a call failed with, or null when it succeeded.</summary>
    private static async Task<string?> ErrorOf<TException>(Task<RedisResult> call) where TException : Exception
    {
        try
        {
            await call;
            return null;
        }
        catch (TException e)
        {
            return e.Message;
        }
    }

    private static RedisKey KeyOf(RedisOptions options, int key) => $"{options.KeyPrefix}{{coalesce-{key}}}";

    private static async Task<(int Key, long Count)> Reply(int key, Task<RedisResult> call) => (key, (long)await call);
}
