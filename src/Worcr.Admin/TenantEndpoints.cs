using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Core.Fairness;
using Worcr.Core.Input;
using Worcr.Postgres;
using Worcr.Server.Identity;

namespace Worcr.Admin;

/// <summary>
/// /api/tenants and /api/plans: tenant settings (plan, weight), plans, and tenant API keys. Changes reach every
/// node's fairness shares through the tenants NOTIFY channel; a revoked key stops working on this node at once
/// and on the others within <see cref="Server.Identity.TenantKeyCache.Freshness"/>.
/// </summary>
internal sealed class TenantEndpoints
{
    private readonly TenantStore _tenants;
    private readonly TenantKeyStore _keys;
    private readonly Server.Identity.TenantKeyCache _keyCache;

    public TenantEndpoints(TenantStore tenants, TenantKeyStore keys, Server.Identity.TenantKeyCache keyCache)
    {
        _tenants = tenants;
        _keys = keys;
        _keyCache = keyCache;
    }

    private TenantStore Tenants => _tenants;

    private TenantKeyStore Keys => _keys;

    public static void Map(RouteGroupBuilder api)
    {
        var endpoints = AdminApi.Create<TenantEndpoints>(api);
        api.MapGet("/tenants", endpoints.ListAsync).AllowReadOnly();
        api.MapPut("/tenants/{name}", endpoints.SaveTenantAsync);
        api.MapDelete("/tenants/{name}", endpoints.DeleteTenantAsync);
        api.MapPut("/plans/{name}", endpoints.SavePlanAsync);
        api.MapDelete("/plans/{name}", endpoints.DeletePlanAsync);
        api.MapGet("/tenants/{name}/keys", endpoints.ListKeysAsync).AllowReadOnly();
        api.MapPost("/tenants/{name}/keys", endpoints.CreateKeyAsync);
        api.MapDelete("/tenants/{name}/keys/{id}", endpoints.RevokeKeyAsync);
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken) => AdminJson.Ok(await ListingAsync(cancellationToken));

    /// <summary>Tenants with a row, and tenants that only have jobs (share 1), by name.</summary>
    private async Task<TenantListView> ListingAsync(CancellationToken cancellationToken)
    {
        var plans = await Tenants.ListPlansAsync(cancellationToken);
        var rows = (await Tenants.ListTenantsAsync(cancellationToken)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var activity = (await Tenants.ActivityAsync(cancellationToken)).ToDictionary(a => a.Tenant, StringComparer.Ordinal);
        var keys = await Keys.CountByTenantAsync(cancellationToken);
        var planWeights = plans.ToDictionary(p => p.Name, p => p.Weight, StringComparer.Ordinal);
        var names = rows.Keys.Concat(activity.Keys).Concat(keys.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var tenants = names.Select(name =>
        {
            var row = rows.GetValueOrDefault(name);
            var load = activity.GetValueOrDefault(name);
            // The same rule as the dispatcher's TenantShareTable: own weight, else the plan's, else 1.
            var share = EffectiveShare.Of(row?.Weight ?? (row?.Plan is { } plan && planWeights.TryGetValue(plan, out var weight) ? weight : 1));
            return new TenantView(name, row?.Plan, Listed(row?.Weight), share, load?.Waiting ?? 0, load?.Running ?? 0, keys.GetValueOrDefault(name));
        }).ToList();
        return new TenantListView(tenants, plans.Select(p => new PlanView(p.Name, EffectiveShare.Of(p.Weight))).ToList());
    }

    /// <summary>
    /// A stored weight as the dispatcher uses it. PostgreSQL's check (weight &gt; 0) admits what the API refuses (a row
    /// written by hand or before the range existed), 'NaN' and 'Infinity' among them, which JSON cannot carry: listed
    /// raw, one such row made the whole listing a 500.
    /// </summary>
    private static double? Listed(double? weight) => weight is { } stored ? EffectiveShare.Of(stored) : null;

    private async Task<IResult> SaveTenantAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (TenantInputChecks.Name(name, "tenant name") is { } badName) return BadRequest(badName);
        var input = await AdminJson.ReadAsync<TenantInput>(request, cancellationToken);
        if (input.Value is null) return BadRequest(input.Error!);
        if (TenantInputChecks.Weight(input.Value.Weight, required: false) is { } badWeight) return BadRequest(badWeight);
        var plan = string.IsNullOrEmpty(input.Value.Plan) ? null : input.Value.Plan;
        if (plan is not null && !(await Tenants.ListPlansAsync(cancellationToken)).Any(p => p.Name == plan))
        {
            return BadRequest($"Plan {TextCheck.QuoteName(plan)} does not exist: create it first with PUT /api/plans/{{name}}.");
        }
        await Tenants.SaveTenantAsync(name, plan, input.Value.Weight, cancellationToken);
        var listing = await ListingAsync(cancellationToken);
        return AdminJson.Ok(listing.Tenants.First(t => t.Name == name));
    }

    private async Task<IResult> DeleteTenantAsync(string name, CancellationToken cancellationToken) =>
        await Tenants.DeleteTenantAsync(name, cancellationToken)
            ? Results.NoContent()
            : AdminJson.Error(StatusCodes.Status404NotFound, $"Tenant {TextCheck.QuoteName(name)} has no settings stored (a tenant without settings has share 1).");

    private async Task<IResult> SavePlanAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (TenantInputChecks.Name(name, "plan name") is { } badName) return BadRequest(badName);
        var input = await AdminJson.ReadAsync<PlanInput>(request, cancellationToken);
        if (input.Value is null) return BadRequest(input.Error!);
        if (TenantInputChecks.Weight(input.Value.Weight, required: true) is { } badWeight) return BadRequest(badWeight);
        await Tenants.SavePlanAsync(name, input.Value.Weight!.Value, cancellationToken);
        return AdminJson.Ok(new PlanView(name, input.Value.Weight.Value));
    }

    private async Task<IResult> DeletePlanAsync(string name, CancellationToken cancellationToken) =>
        await Tenants.DeletePlanAsync(name, cancellationToken)
            ? Results.NoContent()
            : AdminJson.Error(StatusCodes.Status404NotFound, $"No plan named {TextCheck.QuoteName(name)}.");

    private async Task<IResult> ListKeysAsync(string name, CancellationToken cancellationToken)
    {
        if (TenantInputChecks.Name(name, "tenant name") is { } badName) return BadRequest(badName);
        var keys = await Keys.ListAsync(name, cancellationToken);
        return AdminJson.Ok(new TenantKeyListView(keys.Select(TenantKeyView.From).ToList()));
    }

    private async Task<IResult> CreateKeyAsync(string name, HttpRequest request, CancellationToken cancellationToken)
    {
        if (TenantInputChecks.Name(name, "tenant name") is { } badName) return BadRequest(badName);
        var input = await AdminJson.ReadAsync<TenantKeyInput>(request, cancellationToken);
        if (input.Value is null) return BadRequest(input.Error!);
        if (TenantInputChecks.Label(input.Value.Label) is { } badLabel) return BadRequest(badLabel);
        var (record, key) = await Keys.CreateAsync(name, input.Value.Label ?? "", cancellationToken);
        var view = new CreatedTenantKeyView(record.Id, record.Tenant, record.Label, record.Prefix, record.CreatedAt, key);
        return AdminJson.Status(StatusCodes.Status201Created, view);
    }

    private async Task<IResult> RevokeKeyAsync(string name, string id, CancellationToken cancellationToken)
    {
        if (!long.TryParse(id, out var keyId) || !await Keys.RevokeAsync(name, keyId, cancellationToken))
        {
            return AdminJson.Error(StatusCodes.Status404NotFound, $"Tenant {TextCheck.QuoteName(name)} has no API key with id {TextCheck.Quote(id)}.");
        }
        _keyCache.Forget();
        return Results.NoContent();
    }

    private static IResult BadRequest(string message) => AdminJson.Error(StatusCodes.Status400BadRequest, message);
}
