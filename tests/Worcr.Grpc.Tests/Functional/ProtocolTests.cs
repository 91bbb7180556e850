using Worcr.Grpc.Tests.Infrastructure;
using Worcr.Grpc.Tests.Protos;

namespace Worcr.Grpc.Tests.Functional;

/// <summary>What goes on the wire, checked with a raw HTTP/2 client.</summary>
public sealed class ProtocolTests(GrpcTestServer server) : FunctionalTest(server)
{
    private static readonly string Echo = TesterMethods.Echo.FullName;

    [Fact]
    public async Task A_successful_call_sends_the_message_then_the_status_in_trailers()
    {
        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame(new TestRequest { Text = "hi" }));

        Assert.Equal(200, response.HttpStatus);
        Assert.Null(response.HeaderStatus);
        Assert.Equal("0", response.TrailerStatus);
        Assert.Equal(RawGrpc.Frame(new TestReply { Text = "hi" }), response.Body);
    }

    [Fact]
    public async Task An_error_before_any_message_is_a_trailers_only_response()
    {
        var request = new TestRequest { Text = "nope", StatusCode = (int)StatusCode.NotFound };

        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame(request));

        Assert.Equal("5", response.HeaderStatus);
        Assert.Equal("nope", response.HeaderMessage);
        Assert.Null(response.TrailerStatus);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task The_status_message_is_percent_encoded_on_the_wire()
    {
        var request = new TestRequest { Text = "50% é", StatusCode = (int)StatusCode.Aborted };

        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame(request));

        Assert.Equal("50%25 %C3%A9", response.Message);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpc+json")]
    public async Task A_wrong_content_type_is_http_415(string contentType)
    {
        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame(new TestRequest()), contentType);

        Assert.Equal(415, response.HttpStatus);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task The_proto_content_type_variant_is_accepted()
    {
        var response = await RawGrpc.SendAsync(Server.Address, Echo, RawGrpc.Frame(new TestRequest { Text = "x" }), "application/grpc+proto");

        Assert.Equal("0", response.Status);
    }

    [Fact]
    public async Task The_server_announces_identity_as_its_only_accepted_encoding()
    {
        using var client = new HttpMessageInvoker(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.Address, Echo))
        {
            Version = System.Net.HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(RawGrpc.Frame(new TestRequest())),
        };
        request.Content.Headers.ContentType = new("application/grpc");

        using var response = await client.SendAsync(request, CancellationToken.None);

        Assert.Equal("identity", response.Headers.GetValues("grpc-accept-encoding").Single());
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_path_without_grpc_content_type_is_a_plain_404()
    {
        var response = await RawGrpc.SendAsync(Server.Address, "/not/grpc", [1, 2, 3], "application/json");

        Assert.Equal(404, response.HttpStatus);
    }
}
