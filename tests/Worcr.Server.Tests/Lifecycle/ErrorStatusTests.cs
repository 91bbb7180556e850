using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Worcr.Admin;
using Worcr.Core.Errors;
using Worcr.Server.Transport;

namespace Worcr.Server.Tests.Lifecycle;

/// <summary>The one domain error's kinds, as gRPC and the admin API answer them.</summary>
public sealed class ErrorStatusTests
{
    [Theory]
    [InlineData(ErrorKind.InvalidArgument, StatusCode.InvalidArgument, StatusCodes.Status400BadRequest)]
    [InlineData(ErrorKind.NotFound, StatusCode.NotFound, StatusCodes.Status404NotFound)]
    [InlineData(ErrorKind.Conflict, StatusCode.FailedPrecondition, StatusCodes.Status409Conflict)]
    [InlineData(ErrorKind.Unauthenticated, StatusCode.Unauthenticated, StatusCodes.Status401Unauthorized)]
    [InlineData(ErrorKind.PermissionDenied, StatusCode.PermissionDenied, StatusCodes.Status403Forbidden)]
    [InlineData(ErrorKind.ResourceExhausted, StatusCode.ResourceExhausted, StatusCodes.Status429TooManyRequests)]
    [InlineData(ErrorKind.Unavailable, StatusCode.Unavailable, StatusCodes.Status503ServiceUnavailable)]
    public void Each_kind_has_its_grpc_status_and_its_http_status(ErrorKind kind, StatusCode grpc, int http)
    {
        Assert.Equal(grpc, ErrorStatusInterceptor.StatusOf(kind));
        Assert.Equal(http, ErrorStatusFilter.StatusOf(kind));
    }

    [Fact]
    public void Every_kind_is_mapped()
    {
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            Assert.NotEqual(StatusCode.Unknown, ErrorStatusInterceptor.StatusOf(kind));
            Assert.NotEqual(StatusCodes.Status500InternalServerError, ErrorStatusFilter.StatusOf(kind));
        }
    }
}
