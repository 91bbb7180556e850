using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>/api/overview and its live stream; both serve the node's one shared <see cref="OverviewSnapshots"/>.</summary>
internal sealed class OverviewEndpoints
{
    private readonly TimeProvider _time;
    private readonly CancellationToken _draining;
    private readonly ILogger _logger;
    private readonly OverviewSnapshots _snapshots;
    private readonly StreamAccess _access;

    public OverviewEndpoints(OverviewSnapshots snapshots, TimeProvider time, NodeDraining draining, StreamAccess access, ILogger<OverviewEndpoints> logger)
    {
        _access = access;
        _time = time;
        _draining = draining.Token;
        _logger = logger;
        _snapshots = snapshots;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<OverviewEndpoints>(api);
        api.MapGet("/overview", endpoints.GetAsync).AllowReadOnly();
        api.MapGet("/overview/stream", endpoints.StreamAsync).AllowReadOnly();
    }

    private async Task<IResult> GetAsync(CancellationToken cancellationToken) => AdminJson.Ok(await _snapshots.GetAsync(cancellationToken));

    /// <summary>
    /// An "overview" event every 2 s until the client leaves or the node stops; a failed read sends a comment instead,
    /// and a heartbeat comment goes out every 15 s as on every stream. A session that ended meanwhile ends it (<see cref="StreamAccess"/>).
    /// </summary>
    private async Task StreamAsync(HttpContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _draining);
        var ct = stop.Token;
        try
        {
            var stream = await EventStreamWriter.StartAsync(context, ct);
            using var timer = new PeriodicTimer(OverviewSnapshots.MaxAge, _time);
            var lastComment = _time.GetTimestamp();
            do
            {
                if (!await _access.StillAllowedAsync(context, ct))
                {
                    await stream.CommentAsync(StreamAccess.EndedComment, ct);
                    return;
                }
                try
                {
                    await stream.WriteAsync("overview", await _snapshots.GetAsync(ct), ct);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not IOException)
                {
                    AdminDataLog.OverviewFailed(_logger, exception);
                    await stream.CommentAsync("overview unavailable: the node could not read it, it tries again", ct);
                }
                if (_time.GetElapsedTime(lastComment) >= EventStreamWriter.HeartbeatInterval)
                {
                    await stream.CommentAsync("heartbeat", ct);
                    lastComment = _time.GetTimestamp();
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
    }
}
