using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;

namespace Worcr.Server.Admin;

/// <summary>
/// /api/limits: list, save and delete limit definitions. A save is validated first (400 names the field); this
/// node reloads at once, the others on the store's NOTIFY. Definitions from rules/limits.json are listed but
/// cannot be deleted here (saving one of the same name overrides it).
/// </summary>
internal sealed class LimitsEndpoints
{
    private readonly NodeServices _services;

    private LimitsEndpoints(NodeServices services) => _services = services;

    public static void Map(RouteGroupBuilder api, NodeServices services)
    {
        var endpoints = new LimitsEndpoints(services);
        api.MapGet("/limits", endpoints.List);
        api.MapPut("/limits/{name}", endpoints.SaveAsync);
        api.MapDelete("/limits/{name}", endpoints.DeleteAsync);
    }

    private IResult List() => AdminJson.Ok(new LimitListView(_services.Limits.Catalog.Current.Definitions.Select(LimitView.From).ToList()));

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<LimitInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (limit, error) = LimitValidator.Check(name, input.Value, "api");
        if (limit is null) return AdminJson.Error(StatusCodes.Status400BadRequest, error!);
        await _services.Limits.Catalog.Store.SaveAsync(LimitValidator.ToRecord(limit), cancellationToken);
        await _services.Limits.Catalog.ReloadAsync(cancellationToken);
        return AdminJson.Ok(LimitView.From(limit));
    }

    private async Task<IResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await _services.Limits.Catalog.Store.DeleteAsync(name, cancellationToken))
        {
            var why = _services.Limits.Catalog.IsFromFile(name) ? " (it comes from limits.json, which the API cannot delete)" : "";
            return AdminJson.Error(StatusCodes.Status404NotFound, $"No limit named '{name}' is stored in the database{why}.");
        }
        await _services.Limits.Catalog.ReloadAsync(cancellationToken);
        return Results.NoContent();
    }
}
