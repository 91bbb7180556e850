using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Worcr.Server.Hosting;

namespace Worcr.Server.Admin;

/// <summary>
/// The JSON admin API under /api/ on the node's HTTP port. Every endpoint goes through one
/// <see cref="AdminAccessFilter"/>, so sessions, CSRF and roles (the GUI issue) are added in that one place.
/// </summary>
internal static class AdminApi
{
    public const string Prefix = "/api";

    public static void Map(WebApplication app, NodeServices services)
    {
        var api = app.MapGroup(Prefix).AddEndpointFilter(new AdminAccessFilter(services.Options));
        RulesEndpoints.Map(api, services);
        CronEndpoints.Map(api, services);
        WebhookEndpoints.Map(api, services);
        JobTypesEndpoints.Map(api, services);
        LimitsEndpoints.Map(api, services);
        JobsEndpoints.Map(api, services);
        OverviewEndpoints.Map(api, services);
        DryRunEndpoint.Map(api, services);
    }
}
