using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Worcr.Admin.Web;
using Worcr.Redis;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// The admin API (/api, docs/admin-api.md) and the GUI (/, /ui) as a part of a dispatcher node:
/// <c>DispatcherNode.StartAsync(options, [new AdminModule()])</c>. Its sessions live in the node's Redis, so any
/// node answers a browser signed in on another.
/// </summary>
public sealed class AdminModule : INodeModule
{
    public void AddServices(IServiceCollection services)
    {
        services.AddSingleton(container =>
        {
            return new SessionStore(container.GetRequiredService<RedisConnection>(), container.GetRequiredService<IOptions<StorageOptions>>().Value.RedisKeyPrefix,
                container.GetRequiredService<IOptions<AdminOptions>>().Value.SessionLifetime);
        });
        services.AddSingleton(container => new SignInThrottle(container.GetRequiredService<RedisConnection>(),
            container.GetRequiredService<IOptions<StorageOptions>>().Value.RedisKeyPrefix, container.GetRequiredService<TimeProvider>()));
        services.AddSingleton<OverviewSnapshots>();
        services.AddSingleton(container => new AdminCredentials(container.GetRequiredService<IOptions<AuthOptions>>()));
        services.AddSingleton<StreamAccess>();
    }

    public void Map(WebApplication app)
    {
        TrustedProxies.Use(app, app.Services.GetRequiredService<IOptions<AdminOptions>>().Value);
        AdminApi.Map(app);
        GuiFiles.Map(app);
    }
}
