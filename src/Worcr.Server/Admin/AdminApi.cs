using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;

namespace Worcr.Server.Admin;

/// <summary>
/// The JSON admin API under /api/ on the node's HTTP port. Every endpoint goes through one
/// <see cref="AdminAccessFilter"/>, which checks sessions, CSRF tokens and roles in that one place.
/// </summary>
internal static class AdminApi
{
    public const string Prefix = "/api";

    public static void Map(WebApplication app, NodeServices services)
    {
        var credentials = new AdminCredentials(services.Options);
        var access = new AdminAccessFilter(services.Options, credentials, services.Sessions);
        var api = app.MapGroup(Prefix).AddEndpointFilter(access).AddEndpointFilter(new ErrorStatusFilter());
        SessionEndpoints.Map(api, services.Options, credentials, services.Sessions, access, services.Time);
        RulesEndpoints.Map(api, services);
        CronEndpoints.Map(api, services);
        WebhookEndpoints.Map(api, services);
        JobTypesEndpoints.Map(api, services);
        LimitsEndpoints.Map(api, services);
        TenantEndpoints.Map(api, services);
        WorkerEndpoints.Map(api, services);
        JobsEndpoints.Map(api, services);
        OverviewEndpoints.Map(api, services);
        DryRunEndpoint.Map(api, services);
    }
}
