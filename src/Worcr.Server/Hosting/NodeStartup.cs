using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Fairness;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;
using Worcr.Server.Rules;
using Worcr.Server.Services;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's start steps that read storage or subscribe, in order, before anything serves or loops (a hosted
/// lifecycle service's StartingAsync runs before every hosted service's StartAsync, Kestrel's included): the rules,
/// the limits, the live-event and drain subscriptions, the tenants' shares, the configured job types and cron file
/// (and, first, the lanes-per-tenant cap every enqueue checks).
/// A failing step fails the node's start with its own error.
/// </summary>
internal sealed class NodeStartup(RuleCatalog rules, NodeLimits limits, LiveEvents events, TenantShareTable tenantShares,
    WorkerDrainRouter drains, JobTypeRegistry jobTypes, CronStore cron, NodeOptions options, TimeProvider time, ILoggerFactory loggers,
    WorcrDatabase database)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        database.Lanes.MaxLanesPerTenant = options.MaxLanesPerTenant;
        await rules.ReloadAsync(cancellationToken);
        await limits.StartAsync(cancellationToken);
        await events.StartAsync();
        await tenantShares.ReloadAsync(cancellationToken);
        await drains.StartAsync();
        await jobTypes.RegisterAsync(options.JobTypes, cancellationToken);
        await CronScheduleFile.LoadAsync(cron, options.RulesDirectory, options.DefaultMaxAttempts, time, loggers.CreateLogger(typeof(CronScheduleFile).FullName!), cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
