using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// The JSON admin API under /api/ on the node's HTTP port. Every endpoint goes through one
/// <see cref="AdminAccessFilter"/>, which checks sessions, CSRF tokens and roles in that one place.
/// </summary>
internal static class AdminApi
{
    public const string Prefix = "/api";

    public static void Map(WebApplication app)
    {
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>();
        var sessions = app.Services.GetRequiredService<SessionStore>();
        var credentials = app.Services.GetRequiredService<AdminCredentials>();
        var access = new AdminAccessFilter(auth, credentials, sessions);
        var api = app.MapGroup(Prefix).AddEndpointFilter(access).AddEndpointFilter(new ErrorStatusFilter());
        SessionEndpoints.Map(api, auth.Value, credentials, sessions, access, app.Services.GetRequiredService<SignInThrottle>());
        RulesEndpoints.Map(api);
        CronEndpoints.Map(api);
        WebhookEndpoints.Map(api);
        JobTypesEndpoints.Map(api);
        LimitsEndpoints.Map(api);
        TenantEndpoints.Map(api);
        WorkerEndpoints.Map(api);
        JobsEndpoints.Map(api);
        OverviewEndpoints.Map(api);
        DryRunEndpoint.Map(api);
    }

    /// <summary>An endpoint class built by the node's container, which gives its constructor what it uses.</summary>
    internal static T Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>(IEndpointRouteBuilder api) where T : class => ActivatorUtilities.CreateInstance<T>(api.ServiceProvider);
}
