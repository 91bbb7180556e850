using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Input;
using Worcr.Server.Workers;

namespace Worcr.Admin;

/// <summary>
/// /api/workers and /api/nodes: who is connected, across all nodes (Redis presence, refreshed every heartbeat
/// interval), and draining one worker on whichever node holds its stream.
/// </summary>
internal sealed class WorkerEndpoints
{
    private readonly Redis.PresenceRegistry _presence;
    private readonly Server.Workers.WorkerDrainRouter _drains;

    public WorkerEndpoints(Redis.PresenceRegistry presence, Server.Workers.WorkerDrainRouter drains)
    {
        _presence = presence;
        _drains = drains;
    }

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<WorkerEndpoints>(api);
        api.MapGet("/workers", endpoints.ListWorkersAsync).AllowReadOnly();
        api.MapGet("/nodes", endpoints.ListNodesAsync).AllowReadOnly();
        api.MapPost("/workers/{id}/drain", endpoints.DrainAsync);
    }

    private async Task<IResult> ListWorkersAsync(CancellationToken cancellationToken)
    {
        var entries = await _presence.ListAsync("worker", cancellationToken);
        return AdminJson.Ok(new WorkerListView(entries.Select(PresenceViews.Worker).ToList()));
    }

    private async Task<IResult> ListNodesAsync(CancellationToken cancellationToken)
    {
        var entries = await _presence.ListAsync("node", cancellationToken);
        return AdminJson.Ok(new NodeListView(entries.Select(PresenceViews.Node).ToList()));
    }

    private async Task<IResult> DrainAsync(string id, CancellationToken cancellationToken)
    {
        var worker = (await _presence.ListAsync("worker", cancellationToken)).FirstOrDefault(w => w.Id == id);
        if (worker is null || !worker.Info.TryGetValue("node", out var nodeId))
        {
            return AdminJson.Error(StatusCodes.Status404NotFound, $"No worker {TextCheck.QuoteName(id, ReportLimits.MaxNameLength)} is connected (GET /api/workers lists those that are).");
        }
        if (!await _drains.RequestAsync(nodeId, id, cancellationToken))
        {
            return AdminJson.Error(StatusCodes.Status404NotFound, $"Worker {TextCheck.QuoteName(id, ReportLimits.MaxNameLength)} was last seen on node '{nodeId}', which no longer holds it.");
        }
        return AdminJson.Status(StatusCodes.Status202Accepted, new DrainView(id, nodeId));
    }
}
