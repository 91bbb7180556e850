using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

public sealed class StreamingTests(GrpcTestServer server) : FunctionalTest(server)
{
    [Fact]
    public async Task Server_streaming_delivers_every_message_in_order_then_ends()
    {
        using var call = Channel.ServerStreaming(TesterMethods.Count, new TestRequest { Text = "n", Count = 5 });

        var indexes = await ToListAsync(call.ReadAllAsync());

        Assert.Equal([0, 1, 2, 3, 4], indexes.Select(r => r.Index));
    }

    [Fact]
    public async Task A_stream_that_fails_after_messages_delivers_them_then_throws_its_status()
    {
        using var call = Channel.ServerStreaming(
            TesterMethods.Count, new TestRequest { Text = "ran out", Count = 2, StatusCode = (int)StatusCode.OutOfRange });
        var received = new List<TestReply>();

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ReadAllAsync())
            {
                received.Add(reply);
            }
        });

        Assert.Equal(2, received.Count);
        Assert.Equal(StatusCode.OutOfRange, error.StatusCode);
        Assert.Equal("ran out", error.Detail);
    }

    [Fact]
    public async Task An_empty_stream_ends_ok()
    {
        using var call = Channel.ServerStreaming(TesterMethods.Count, new TestRequest { Count = 0 });

        Assert.Empty(await ToListAsync(call.ReadAllAsync()));
    }

    [Fact]
    public async Task Streaming_response_headers_arrive_before_any_message()
    {
        // Chat writes nothing until it reads a request, so only an explicit HEADERS flush can answer this.
        await using var call = Channel.Duplex(TesterMethods.Chat);

        var headers = await call.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(headers);
        await call.CompleteRequestAsync();
    }

    [Fact]
    public async Task A_server_that_speaks_first_is_heard_before_the_client_writes()
    {
        // Needs the request HEADERS on the wire before any request message: the duplex content flushes first.
        await using var call = Channel.Duplex(TesterMethods.Greet);
        await using var replies = call.ReadAllAsync().GetAsyncEnumerator();

        Assert.True(await replies.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("hello", replies.Current.Text);
        await call.CompleteRequestAsync();
        Assert.False(await replies.MoveNextAsync());
    }

    [Fact]
    public async Task Duplex_calls_interleave_request_and_reply_like_ping_pong()
    {
        await using var call = Channel.Duplex(TesterMethods.Chat);
        await using var replies = call.ReadAllAsync().GetAsyncEnumerator();
        var id = NewId();

        foreach (var text in new[] { id, "two", "three" })
        {
            await call.WriteAsync(new TestRequest { Text = text });
            Assert.True(await replies.MoveNextAsync());
            Assert.Equal(text, replies.Current.Text);
        }

        await call.CompleteRequestAsync();
        Assert.False(await replies.MoveNextAsync());
        Assert.Equal("completed", await Server.Signals.WaitAsync(id));
    }

    [Fact]
    public async Task Concurrent_writers_are_serialised_without_corrupting_frames()
    {
        await using var call = Channel.Duplex(TesterMethods.Chat);
        var writers = Enumerable.Range(0, 4).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await call.WriteAsync(new TestRequest { Text = $"{writer}-{i}", Padding = TestService.Padded(100).Padding });
            }
        }));
        var reading = ToListAsync(call.ReadAllAsync());

        await Task.WhenAll(writers);
        await call.CompleteRequestAsync();
        var replies = await reading;

        Assert.Equal(100, replies.Select(r => r.Text).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 100), replies.Select(r => r.Index));
    }

    [Fact]
    public async Task A_duplex_handler_failure_ends_the_call_and_later_writes_fail_with_its_status()
    {
        await using var call = Channel.Duplex(TesterMethods.Chat);
        await call.WriteAsync(new TestRequest { Text = "stop here", StatusCode = (int)StatusCode.Aborted });

        var error = await Assert.ThrowsAsync<RpcException>(() => ToListAsync(call.ReadAllAsync()));
        var writeError = await Assert.ThrowsAsync<RpcException>(() => call.WriteAsync(new TestRequest { Text = "too late" }));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal(StatusCode.Aborted, writeError.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Many_concurrent_calls_share_the_channel()
    {
        var calls = Enumerable.Range(0, 20).Select(i => Channel.UnaryAsync(TesterMethods.Echo, new TestRequest { Text = $"call {i}" }));

        var replies = await Task.WhenAll(calls);

        Assert.Equal(20, replies.Select(r => r.Text).Distinct().Count());
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
