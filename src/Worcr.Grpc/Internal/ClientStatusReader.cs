using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Worcr.Grpc.Internal;

/// <summary>Reads a call's status from the response, as the spec orders: HTTP status, then headers, then trailers.</summary>
internal static class ClientStatusReader
{
    /// <summary>The status if the response already ended with its headers (trailers-only or HTTP error); null if messages follow.</summary>
    public static CallStatus? FromResponseStart(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return FromHttpStatus(response.StatusCode);
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return new CallStatus(StatusCode.Unknown, $"Bad gRPC response: content-type '{contentType}'.", new Metadata());
        }

        return FromHeaders(response.Headers);
    }

    /// <summary>The status at the end of the body; a response that ends without one is INTERNAL.</summary>
    public static CallStatus FromTrailers(HttpResponseMessage response) =>
        FromHeaders(response.TrailingHeaders)
        ?? new CallStatus(StatusCode.Internal, "The call ended without a gRPC status.", new Metadata());

    public static Metadata UserMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers.NonValidated)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                TryAdd(metadata, name, value);
            }
        }

        return metadata;
    }

    private static CallStatus? FromHeaders(HttpHeaders headers)
    {
        var code = FirstValue(headers, GrpcProtocol.StatusHeader);
        if (code is null)
        {
            return null;
        }

        var message = GrpcStatusMessage.Decode(FirstValue(headers, GrpcProtocol.MessageHeader) ?? "");
        if (!int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return new CallStatus(StatusCode.Unknown, $"Invalid grpc-status '{code}'. {message}", UserMetadata(headers));
        }

        return new CallStatus((StatusCode)value, message, UserMetadata(headers));
    }

    private static CallStatus FromHttpStatus(HttpStatusCode status)
    {
        var code = status switch
        {
            HttpStatusCode.BadRequest => StatusCode.Internal,
            HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
            HttpStatusCode.NotFound => StatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway
                or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
            _ => StatusCode.Unknown,
        };
        return new CallStatus(code, $"Bad gRPC response: HTTP status {(int)status}.", new Metadata());
    }

    private static string? FirstValue(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static void TryAdd(Metadata metadata, string name, string value)
    {
        try
        {
            metadata.Add(name, value);
        }
        catch (ArgumentException)
        {
            // A peer's header that is not valid gRPC metadata is dropped rather than failing the call.
        }
    }
}
