using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Worcr.Grpc.Server;

namespace Worcr.Grpc.Tests.Unit;

public sealed class OptionsTests
{
    [Fact]
    public void A_non_positive_server_receive_limit_fails_at_registration_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServiceCollection().AddWorcrGrpc(options => options.MaxReceiveMessageSize = 0));

        Assert.Contains("MaxReceiveMessageSize", error.Message);
    }

    [Fact]
    public void A_non_positive_server_send_limit_fails_at_registration_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ServiceCollection().AddWorcrGrpc(options => options.MaxSendMessageSize = -1));

        Assert.Contains("MaxSendMessageSize", error.Message);
    }

    [Fact]
    public void A_non_positive_client_limit_fails_when_the_channel_is_created()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new GrpcChannel(new Uri("http://127.0.0.1:1"), new GrpcChannelOptions { MaxReceiveMessageSize = 0 }));

        Assert.Contains("MaxReceiveMessageSize", error.Message);
    }

    [Fact]
    public void A_channel_refuses_addresses_that_are_not_http()
    {
        Assert.Throws<ArgumentException>(() => new GrpcChannel(new Uri("ftp://127.0.0.1:1")));
    }

    [Fact]
    public void Kestrel_grpc_defaults_raise_the_stream_limit_and_turn_on_keep_alive_pings()
    {
        var kestrel = new KestrelServerOptions().ConfigureGrpcDefaults();

        Assert.True(kestrel.Limits.Http2.MaxStreamsPerConnection > 100);
        Assert.NotEqual(TimeSpan.MaxValue, kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(KestrelGrpcExtensions.KeepAlivePingTimeout, kestrel.Limits.Http2.KeepAlivePingTimeout);
    }
}
