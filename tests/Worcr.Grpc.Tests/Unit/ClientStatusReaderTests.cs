using System.Net;
using System.Net.Http.Headers;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Tests.Unit;

public sealed class ClientStatusReaderTests
{
    [Theory]
    [InlineData(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [InlineData(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [InlineData(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [InlineData(HttpStatusCode.UnsupportedMediaType, StatusCode.Unknown)]
    public void Http_errors_map_to_the_status_the_spec_names(HttpStatusCode http, StatusCode expected)
    {
        using var response = new HttpResponseMessage(http);

        Assert.Equal(expected, ClientStatusReader.FromResponseStart(response)?.Code);
    }

    [Fact]
    public void A_200_that_is_not_grpc_is_unknown()
    {
        using var response = GrpcResponse("text/html");

        Assert.Equal(StatusCode.Unknown, ClientStatusReader.FromResponseStart(response)?.Code);
    }

    [Fact]
    public void A_trailers_only_response_carries_its_status_and_decoded_detail_in_the_headers()
    {
        using var response = GrpcResponse("application/grpc");
        response.Headers.TryAddWithoutValidation("grpc-status", "5");
        response.Headers.TryAddWithoutValidation("grpc-message", "no%20such%20job");
        response.Headers.TryAddWithoutValidation("x-request-id", "r1");

        var status = ClientStatusReader.FromResponseStart(response);

        Assert.Equal(StatusCode.NotFound, status?.Code);
        Assert.Equal("no such job", status?.Detail);
        Assert.Equal("r1", status?.Trailers.Get("x-request-id"));
    }

    [Fact]
    public void A_normal_response_start_has_no_status_yet()
    {
        using var response = GrpcResponse("application/grpc+proto");

        Assert.Null(ClientStatusReader.FromResponseStart(response));
    }

    [Fact]
    public void A_body_that_ends_without_grpc_status_is_internal()
    {
        using var response = GrpcResponse("application/grpc");

        Assert.Equal(StatusCode.Internal, ClientStatusReader.FromTrailers(response).Code);
    }

    [Theory]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0xb, StatusCode.ResourceExhausted)]
    [InlineData(0x2, StatusCode.Internal)]
    public void Http2_reset_codes_map_to_grpc_statuses(long errorCode, StatusCode expected)
    {
        var exception = new HttpProtocolException(errorCode, "reset", null);

        Assert.Equal(expected, Http2ErrorMapping.ToRpcException(exception).StatusCode);
    }

    private static HttpResponseMessage GrpcResponse(string contentType)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return response;
    }
}
