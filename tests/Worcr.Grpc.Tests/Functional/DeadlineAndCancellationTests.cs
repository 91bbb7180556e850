using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

public sealed class DeadlineAndCancellationTests(GrpcTestServer server) : FunctionalTest(server)
{
    private static readonly string WaitForCancel = TesterMethods.WaitForCancel.FullName;

    [Fact]
    public async Task The_client_sends_its_deadline_as_grpc_timeout()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);

        var reply = await Channel.UnaryAsync(TesterMethods.Inspect, new TestRequest(), new CallOptions(Deadline: deadline));

        Assert.InRange(reply.Index, 1, 30_000);
    }

    [Fact]
    public async Task A_call_without_deadline_sends_no_grpc_timeout()
    {
        var reply = await Channel.UnaryAsync(TesterMethods.Inspect, new TestRequest());

        Assert.Equal(-1, reply.Index);
    }

    [Fact]
    public async Task A_deadline_a_year_away_neither_breaks_the_call_nor_arms_a_server_timer()
    {
        var reply = await Channel.UnaryAsync(
            TesterMethods.Inspect, new TestRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddYears(1)));

        Assert.Equal(-1, reply.Index);
    }

    [Fact]
    public async Task An_expired_deadline_is_deadline_exceeded_on_the_client_and_cancels_the_handler()
    {
        var id = NewId();

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(
            TesterMethods.WaitForCancel, new TestRequest { Text = id }, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("cancelled", await Server.Signals.WaitAsync(id));
    }

    [Fact]
    public async Task A_deadline_already_past_fails_at_once()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(
            TesterMethods.Echo, new TestRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task The_server_enforces_grpc_timeout_itself_with_deadline_exceeded()
    {
        // The raw client has no timer of its own: the status can only come from the server's deadline.
        var id = NewId();

        var response = await RawGrpc.SendAsync(
            Server.Address, WaitForCancel, RawGrpc.Frame(new TestRequest { Text = id }), "application/grpc", ("grpc-timeout", "200m"));

        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(), response.Status);
        Assert.Equal("deadline", await Server.Signals.WaitAsync(id + ":started"));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Cancelling_on_the_client_gives_cancelled_and_cancels_the_handler()
    {
        var id = NewId();
        using var cts = new CancellationTokenSource();
        var call = Channel.UnaryAsync(TesterMethods.WaitForCancel, new TestRequest { Text = id }, new CallOptions(CancellationToken: cts.Token));
        await Server.Signals.WaitAsync(id + ":started");

        cts.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled", await Server.Signals.WaitAsync(id));
    }

    [Fact]
    public async Task Completing_the_request_stream_ends_the_servers_input_normally()
    {
        var id = NewId();
        await using var call = Channel.Duplex(TesterMethods.Chat);
        await call.WriteAsync(new TestRequest { Text = id });

        await call.CompleteRequestAsync();

        Assert.Single(await ToListAsync(call.ReadAllAsync()));
        Assert.Equal("completed", await Server.Signals.WaitAsync(id));
    }

    [Fact]
    public async Task Disposing_a_duplex_call_is_a_cancel_on_the_server_not_a_clean_end()
    {
        var id = NewId();
        var call = Channel.Duplex(TesterMethods.Chat);
        await call.WriteAsync(new TestRequest { Text = id });
        await using (var replies = call.ReadAllAsync().GetAsyncEnumerator())
        {
            Assert.True(await replies.MoveNextAsync());
        }

        await call.DisposeAsync();

        Assert.Equal("cancelled", await Server.Signals.WaitAsync(id));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Disposing_a_server_stream_mid_way_cancels_it()
    {
        var id = NewId();
        var call = Channel.ServerStreaming(TesterMethods.WaitForCancel, new TestRequest { Text = id });
        await Server.Signals.WaitAsync(id + ":started");

        call.Dispose();

        Assert.Equal("cancelled", await Server.Signals.WaitAsync(id));
    }

    [Fact]
    public async Task Cancelling_the_reader_cancels_the_call()
    {
        var id = NewId();
        using var call = Channel.ServerStreaming(TesterMethods.WaitForCancel, new TestRequest { Text = id });
        using var cts = new CancellationTokenSource();
        var reading = ToListAsync(call.ReadAllAsync(cts.Token));
        await Server.Signals.WaitAsync(id + ":started");

        cts.Cancel();

        var error = await Assert.ThrowsAsync<RpcException>(() => reading);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled", await Server.Signals.WaitAsync(id));
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
