using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

public sealed class UnaryTests(GrpcTestServer server) : FunctionalTest(server)
{
    [Fact]
    public async Task Unary_call_returns_the_handlers_reply()
    {
        var reply = await Channel.UnaryAsync(TesterMethods.Echo, new TestRequest { Text = "ping" });

        Assert.Equal("ping", reply.Text);
    }

    [Fact]
    public async Task A_default_message_travels_as_a_zero_length_frame()
    {
        var reply = await Channel.UnaryAsync(TesterMethods.Echo, new TestRequest());

        Assert.Equal(new TestReply(), reply);
    }

    [Fact]
    public async Task Handler_status_and_detail_reach_the_client_intact()
    {
        var detail = "job 42: 100% déjà vu\nsecond line";

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(
            TesterMethods.Echo, new TestRequest { Text = detail, StatusCode = (int)StatusCode.FailedPrecondition }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public async Task A_handler_exception_becomes_unknown_without_leaking_its_message_and_is_logged()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(TesterMethods.Crash, new TestRequest()));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain(TestService.CrashSecret, error.Detail);
        Assert.Contains(Server.Logs.Errors, entry => entry.Exception.Message == TestService.CrashSecret);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Text_and_binary_metadata_reach_the_handler()
    {
        var headers = new Metadata { { "x-note", "from-client" } };
        headers.AddBytes("x-blob-bin", [0xCA, 0xFE, 0x00]);

        var reply = await Channel.UnaryAsync(TesterMethods.Inspect, new TestRequest(), new CallOptions(Headers: headers));

        Assert.StartsWith("note=from-client;blob=CAFE00;", reply.Text);
    }

    [Fact]
    public async Task Every_request_body_runs_without_kestrel_minimum_rate_and_size_limits()
    {
        var reply = await Channel.UnaryAsync(TesterMethods.Inspect, new TestRequest());

        Assert.EndsWith("rate=null;size=null", reply.Text);
    }

    [Fact]
    public async Task An_unmapped_method_is_unimplemented()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(TesterMethods.Unmapped, new TestRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_unknown_service_is_unimplemented()
    {
        var method = new Method<TestRequest, TestReply>("no.such.Service", "Call", MethodType.Unary, TestRequest.Parser, TestReply.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(method, new TestRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task A_request_over_the_servers_limit_is_resource_exhausted()
    {
        var error = await Assert.ThrowsAsync<RpcException>(
            () => Channel.UnaryAsync(TesterMethods.Echo, TestService.Padded(GrpcTestServer.MaxReceiveMessageSize + 1)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_reply_over_the_clients_limit_is_resource_exhausted()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 100 });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TesterMethods.Echo, TestService.Padded(200)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_request_over_the_clients_send_limit_is_refused_before_sending()
    {
        using var channel = Server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TesterMethods.Echo, TestService.Padded(200)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("Sending message exceeds", error.Detail);
    }
}
