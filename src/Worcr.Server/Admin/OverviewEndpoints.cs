using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;

namespace Worcr.Server.Admin;

/// <summary>/api/overview and its live stream; both serve the node's one shared <see cref="OverviewSnapshots"/>.</summary>
internal sealed class OverviewEndpoints
{
    private readonly NodeServices _services;
    private readonly OverviewSnapshots _snapshots;

    private OverviewEndpoints(NodeServices services)
    {
        _services = services;
        _snapshots = new OverviewSnapshots(services, services.Time);
    }

    public static void Map(RouteGroupBuilder api, NodeServices services)
    {
        var endpoints = new OverviewEndpoints(services);
        api.MapGet("/overview", endpoints.GetAsync);
        api.MapGet("/overview/stream", endpoints.StreamAsync);
    }

    private async Task<IResult> GetAsync(CancellationToken cancellationToken) => AdminJson.Ok(await _snapshots.GetAsync(cancellationToken));

    /// <summary>
    /// An "overview" event every 2 s until the client leaves or the node stops; a failed read sends a comment instead,
    /// and a heartbeat comment goes out every 15 s as on every stream.
    /// </summary>
    private async Task StreamAsync(HttpContext context)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _services.Draining);
        var ct = stop.Token;
        try
        {
            var stream = await EventStreamWriter.StartAsync(context, ct);
            using var timer = new PeriodicTimer(OverviewSnapshots.MaxAge, _services.Time);
            var lastComment = _services.Time.GetTimestamp();
            do
            {
                try
                {
                    await stream.WriteAsync("overview", await _snapshots.GetAsync(ct), ct);
                }
                catch (Exception exception) when (exception is not OperationCanceledException and not IOException)
                {
                    AdminDataLog.OverviewFailed(_services.Logger, exception);
                    await stream.CommentAsync("overview unavailable: the node could not read it, it tries again", ct);
                }
                if (_services.Time.GetElapsedTime(lastComment) >= EventStreamWriter.HeartbeatInterval)
                {
                    await stream.CommentAsync("heartbeat", ct);
                    lastComment = _services.Time.GetTimestamp();
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
