using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Input;
using Worcr.Server.Limits;

namespace Worcr.Admin;

/// <summary>
/// /api/limits: list, save and delete limit definitions. A save is validated first (400 names the field); this
/// node reloads at once, the others on the store's NOTIFY. Definitions from rules/limits.json are listed but
/// cannot be deleted here (saving one of the same name overrides it).
/// </summary>
internal sealed class LimitsEndpoints
{
    private readonly Server.Limits.LimitCatalog _catalog;

    public LimitsEndpoints(Server.Limits.NodeLimits limits) => _catalog = limits.Catalog;

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<LimitsEndpoints>(api);
        api.MapGet("/limits", endpoints.List).AllowReadOnly();
        api.MapPut("/limits/{name}", endpoints.SaveAsync);
        api.MapDelete("/limits/{name}", endpoints.DeleteAsync);
    }

    private IResult List() => AdminJson.Ok(new LimitListView(_catalog.Current.Definitions.Select(LimitView.From).ToList()));

    private async Task<IResult> SaveAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        var input = await AdminJson.ReadAsync<LimitInput>(request, cancellationToken);
        if (input.Value is null) return AdminJson.Error(StatusCodes.Status400BadRequest, input.Error!);
        var (limit, error) = LimitValidator.Check(name, input.Value, "api");
        if (limit is null) return AdminJson.Error(StatusCodes.Status400BadRequest, error!);
        await _catalog.Store.SaveAsync(LimitValidator.ToRecord(limit), cancellationToken);
        await _catalog.ReloadAsync(cancellationToken);
        return AdminJson.Ok(LimitView.From(limit));
    }

    private async Task<IResult> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await _catalog.Store.DeleteAsync(name, cancellationToken))
        {
            var why = _catalog.IsFromFile(name) ? " (it comes from limits.json, which the API cannot delete)" : "";
            return AdminJson.Error(StatusCodes.Status404NotFound, $"No limit named {TextCheck.QuoteName(name)} is stored in the database{why}.");
        }
        await _catalog.ReloadAsync(cancellationToken);
        return Results.NoContent();
    }
}
