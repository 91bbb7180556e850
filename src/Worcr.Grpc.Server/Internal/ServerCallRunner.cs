using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Worcr.Grpc.Internal;

namespace Worcr.Grpc.Server.Internal;

/// <summary>
/// The part every call shares: validate the request, prepare the call, run the method body, and map whatever
/// happened to exactly one gRPC status. The one place where exceptions become status codes.
/// </summary>
internal sealed class ServerCallRunner(GrpcServerOptions options, ILogger logger, CancellationToken shutdown)
{
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    public async Task RunAsync(HttpContext http, string method, bool streamsResponse, Func<ServerCall, Task> body)
    {
        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        if (!http.Response.SupportsTrailers())
        {
            // gRPC needs trailers for its status, so HTTP/1.1 cannot carry it.
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return;
        }

        RemoveBodyLimits(http);
        PrepareResponse(http);
        var timeout = ReadTimeout(http, method);
        using var cancellation = new ServerCallCancellation(http.RequestAborted, shutdown, timeout);
        var context = new ServerCallContext(
            method, RequestMetadata.From(http.Request.Headers), ToDeadline(timeout), cancellation.Token, http);
        using var call = new ServerCall(http, options, cancellation, context);
        var failure = await RunBodyAsync(call, method, streamsResponse, body);
        if (failure is not null)
        {
            ServerLog.CallFailed(logger, method, failure.StatusCode, failure.Detail);
        }

        await call.CompleteAsync(failure);
    }

    private async Task<RpcException?> RunBodyAsync(ServerCall call, string method, bool streamsResponse, Func<ServerCall, Task> body)
    {
        try
        {
            EnsureIdentityEncoding(call.Context.HttpContext);
            if (streamsResponse)
            {
                await call.StartResponseAsync();
            }

            await body(call);

            // The handler may have returned because its input ended, when that end was really a cancel.
            return call.Cancellation.ClientCancelled ? call.Cancellation.Reason() : null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
        catch (Exception ex) when (ex is OperationCanceledException && call.Cancellation.Reason() is { } reason)
        {
            return reason;
        }
        catch (Exception ex)
        {
            if (call.Cancellation.Reason() is { } reason)
            {
                return reason; // e.g. a write failing with IOException because the client reset the stream.
            }

            ServerLog.HandlerFailed(logger, method, ex);
            return new RpcException(StatusCode.Unknown, "Exception was thrown by handler.");
        }
    }

    /// <summary>
    /// Kestrel's default minimum data rate would abort an idle client stream after seconds and take the
    /// connection with it; gRPC streams are idle by design, and message sizes are checked per message.
    /// </summary>
    private static void RemoveBodyLimits(HttpContext http)
    {
        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }
    }

    private static void PrepareResponse(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
    }

    private static void EnsureIdentityEncoding(HttpContext http)
    {
        var encoding = http.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && encoding != GrpcProtocol.IdentityEncoding)
        {
            throw new RpcException(
                StatusCode.Unimplemented, $"Message encoding '{encoding}' is not supported; this server accepts 'identity' only.");
        }
    }

    private TimeSpan? ReadTimeout(HttpContext http, string method)
    {
        var header = http.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (header.Length == 0)
        {
            return null;
        }

        if (!GrpcTimeout.TryParse(header, out var timeout))
        {
            ServerLog.InvalidTimeout(logger, header, method);
            return null;
        }

        // Timers cannot run longer than ~24 days; such a deadline is no deadline in practice.
        return timeout <= LongestTimer ? timeout : null;
    }

    private static DateTime? ToDeadline(TimeSpan? timeout) => timeout is { } value ? DateTime.UtcNow + value : null;
}
