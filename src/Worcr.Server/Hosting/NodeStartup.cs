using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Postgres;
using Worcr.Server.Fairness;
using Worcr.Server.JobTypes;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;
using Worcr.Server.Rules;
using Worcr.Server.Workers;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's start steps that connect, read storage or subscribe, in order, before anything serves or loops (a hosted
/// lifecycle service's StartingAsync runs before every hosted service's StartAsync, Kestrel's included): Redis,
/// the migration and the notification listener (<see cref="NodeConnections"/>), the rules,
/// the limits, the drain subscription, the tenants' shares, the configured job types and cron file
/// (and, before them, the lanes-per-tenant cap every enqueue checks).
/// A failing step fails the node's start with its own error.
/// </summary>
internal sealed class NodeStartup(NodeConnections connections, RuleCatalog rules, NodeLimits limits, TenantShareTable tenantShares,
    WorkerDrainRouter drains, JobTypeRegistry jobTypes, CronStore cron, IOptions<CatalogOptions> catalog,
    IOptions<RetentionOptions> retention, ILoggerFactory loggers)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await connections.ConnectAsync(loggers.CreateLogger<NodeConnections>(), cancellationToken);
        connections.Database.Lanes.MaxLanesPerTenant = retention.Value.MaxLanesPerTenant;
        await rules.ReloadAsync(cancellationToken);
        await limits.StartAsync(cancellationToken);
        await tenantShares.ReloadAsync(cancellationToken);
        await drains.StartAsync();
        await jobTypes.RegisterAsync(catalog.Value.JobTypes, cancellationToken);
        await CronScheduleFile.LoadAsync(cron, jobTypes, catalog.Value.RulesDirectory, loggers.CreateLogger(typeof(CronScheduleFile).FullName!), cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
