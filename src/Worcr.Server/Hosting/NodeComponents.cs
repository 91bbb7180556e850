using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Scripting;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Fairness;
using Worcr.Server.Identity;
using Worcr.Server.JobTypes;
using Worcr.Server.Lifecycle;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's components as singletons of its container, each built once by the container with what it needs.
/// Redis is connected before the container exists and registered as it is; the database is migrated and the
/// notification listener started by the first start step (<see cref="NodeConnections"/>, in <see cref="NodeStartup"/>),
/// which also runs the steps that read or subscribe; the loops run as hosted services (<see cref="NodeLoops"/>).
/// </summary>
internal static class NodeComponents
{
    public static IServiceCollection AddNodeComponents(this IServiceCollection services, NodeConnections connections, RedisConnection redis,
        CancellationToken draining)
    {
        var database = connections.Database;
        services.AddSingleton(connections).AddSingleton(database).AddSingleton(redis).AddSingleton(new NodeDraining(draining));
        services.AddSingleton(database.Jobs).AddSingleton(database.Rules).AddSingleton(database.Cron).AddSingleton(database.Webhooks)
            .AddSingleton(database.Tenants).AddSingleton(database.TenantKeys).AddSingleton(database.Limits);
        services.AddSingleton(container => new NodeTelemetry(container.GetRequiredService<IMeterFactory>().Create(NodeTelemetry.MeterName),
            () => container.GetRequiredService<Dispatcher>().Sessions, Options(container).MetricLabelLimit));
        services.AddSingleton(container => new RuleCatalog(database.Rules, RuleCatalog.LoadFiles(Options(container).RulesDirectory),
            Section<RuleSandboxOptions>(container).Value.ToLimits(),
            container.GetRequiredService<ILogger<RuleCatalog>>(), container.GetRequiredService<TimeProvider>())
        {
            Telemetry = container.GetRequiredService<NodeTelemetry>(),
        });
        services.AddSingleton(container => new NodeLimits(database.Limits, redis, Section<CatalogOptions>(container), Section<StorageOptions>(container),
            Section<LeaseOptions>(container), container.GetRequiredService<ILogger<NodeLimits>>(), container.GetRequiredService<NodeTelemetry>()));
        services.AddSingleton(container => new LiveEvents(redis, Options(container).RedisKeyPrefix, container.GetRequiredService<ILogger<LiveEvents>>(),
            container.GetRequiredService<TimeProvider>()));
        services.AddSingleton(container => new ReportWriter(database.Jobs, container.GetRequiredService<TimeProvider>(),
            container.GetRequiredService<LiveEvents>().Publisher, Options(container).MaxLogLinesPerJob, container.GetRequiredService<ILogger<ReportWriter>>()));
        services.AddSingleton<TenantShareTable>();
        services.AddSingleton(container => new RedisGroupUsage(redis, Options(container).RedisKeyPrefix, container.GetRequiredService<TimeProvider>()));
        AddDispatch(services);
        services.AddSingleton<TenantKeyCache>();
        services.AddSingleton(container => new JobTypeRegistry(database.DataSource, database.Schema, Options(container).AcceptUnknownJobTypes,
            container.GetRequiredService<TimeProvider>()));
        services.AddSingleton(container => new JobLifecycle(database.Jobs, container.GetRequiredService<LiveEvents>().Publisher, Section<RetryOptions>(container), Section<ListenerOptions>(container),
            Section<RetentionOptions>(container), container.GetRequiredService<RuleCatalog>(), container.GetRequiredService<JobTypeRegistry>(), container.GetRequiredService<NodeLimits>(),
            container.GetRequiredService<TimeProvider>(), container.GetRequiredService<ILogger<JobLifecycle>>())
        {
            Telemetry = container.GetRequiredService<NodeTelemetry>(),
        });
        services.AddSingleton(container => new Authenticator(Section<AuthOptions>(container), container.GetRequiredService<TenantKeyCache>()));
        services.AddSingleton(container => new PresenceRegistry(redis, Options(container).RedisKeyPrefix));
        services.AddSingleton(container => new WorkerDrainRouter(redis, Options(container).RedisKeyPrefix, Options(container).NodeId,
            container.GetRequiredService<Dispatcher>(), Options(container).DrainTimeout, container.GetRequiredService<ILogger<WorkerDrainRouter>>()));
        AddMaintenance(services, database, redis);
        services.AddSingleton<NotificationPump>();
        services.AddSingleton<NodeAddresses>();
        services.AddSingleton(container => new NodeSignals(container.GetRequiredService<Dispatcher>().Rounds,
            container.GetRequiredService<MaintenanceLeader>().Rounds, container.GetRequiredService<RuleCatalog>().Reloaded,
            container.GetRequiredService<NodeLimits>().Catalog.Reloaded, container.GetRequiredService<TenantShareTable>().Reloaded,
            container.GetRequiredService<Dispatcher>().CancelsRouted));
        return services;
    }

    /// <summary>The weight oracle, the fair lane selector and the dispatch loop around them.</summary>
    private static void AddDispatch(IServiceCollection services)
    {
        services.AddSingleton(container =>
        {
            var logger = container.GetRequiredService<ILogger<RuleWeightOracle>>();
            var rules = container.GetRequiredService<RuleCatalog>();
            return new RuleWeightOracle(() => rules.Current, error => ServerLog.RuleFailed(logger, error))
            {
                Telemetry = container.GetRequiredService<NodeTelemetry>(), Time = container.GetRequiredService<TimeProvider>(),
            };
        });
        services.AddSingleton<ILaneSelector>(container =>
        {
            var sharing = Section<FairnessOptions>(container).Value;
            return new FairLaneSelector(container.GetRequiredService<RuleWeightOracle>(), DispatcherNode.FairnessOf(sharing),
                container.GetRequiredService<TenantShareTable>(), container.GetRequiredService<RedisGroupUsage>(), sharing.AgingPeriod);
        });
        services.AddSingleton(container =>
        {
            var oracle = container.GetRequiredService<RuleWeightOracle>();
            var reports = container.GetRequiredService<ReportWriter>();
            return new Dispatcher(container.GetRequiredService<JobStore>(), container.GetRequiredService<ILaneSelector>(), Section<DispatchOptions>(container),
                Section<LeaseOptions>(container), Section<NodeIdentityOptions>(container), container.GetRequiredService<TimeProvider>(),
                container.GetRequiredService<ILogger<Dispatcher>>(),
                (lane, worker, jobs) => NoteRuleErrors(oracle, reports, lane.Lane, worker, jobs))
            {
                LimitGate = container.GetRequiredService<NodeLimits>().Gate,
                Telemetry = container.GetRequiredService<NodeTelemetry>(),
            };
        });
    }

    /// <summary>The maintenance leader and its maintainers, one per duty, run in this order in each pass.</summary>
    private static void AddMaintenance(IServiceCollection services, WorcrDatabase database, RedisConnection redis)
    {
        services.AddSingleton(container =>
        {
            var lifecycle = container.GetRequiredService<JobLifecycle>();
            var identity = container.GetRequiredService<IOptions<NodeIdentityOptions>>();
            var time = container.GetRequiredService<TimeProvider>();
            // Each catching-up duty may take a quarter of the interval: both together still leave half of it.
            var catchUpBudget = Section<MaintenanceOptions>(container).Value.MaintenanceInterval / 4;
            IMaintainer[] maintainers =
            [
                new LeaseReaper(lifecycle, container.GetRequiredService<ILogger<LeaseReaper>>()),
                new ScheduledJobPromoter(lifecycle, catchUpBudget, time, container.GetRequiredService<ILogger<ScheduledJobPromoter>>()),
                new JobExpirer(lifecycle, catchUpBudget, time, container.GetRequiredService<ILogger<JobExpirer>>()),
                new CronMaintainer(database.Cron, identity, CronJobPolicy.Of(lifecycle), container.GetRequiredService<ILogger<CronMaintainer>>()),
                new RetentionMaintainer(database.Retention, container.GetRequiredService<IOptions<RetentionOptions>>(),
                    container.GetRequiredService<TimeProvider>(), container.GetRequiredService<ILogger<RetentionMaintainer>>()),
                new StatisticsRefresher(database.Statistics, container.GetRequiredService<ILogger<StatisticsRefresher>>()),
            ];
            var prefix = container.GetRequiredService<IOptions<StorageOptions>>().Value.RedisKeyPrefix;
            return new MaintenanceLeader(new RedisLeaderLock(redis, prefix), maintainers, container.GetRequiredService<IOptions<MaintenanceOptions>>(),
                identity, container.GetRequiredService<TimeProvider>(), container.GetRequiredService<ILogger<MaintenanceLeader>>(),
                container.GetRequiredService<Dispatcher>().Wake, container.GetRequiredService<NodeTelemetry>());
        });
        services.AddSingleton(container => new WebhookDispatcher(database.Webhooks, Options(container).MaintenanceInterval,
            container.GetRequiredService<TimeProvider>(), container.GetRequiredService<ILogger<WebhookDispatcher>>()));
    }

    private static NodeOptions Options(IServiceProvider container) => container.GetRequiredService<NodeOptions>();

    private static IOptions<T> Section<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceProvider container) where T : class => container.GetRequiredService<IOptions<T>>();

    /// <summary>A weight rule failed for this lane and worker: say so in the log of every job it sent, so the failure is visible on the job.</summary>
    private static void NoteRuleErrors(RuleWeightOracle oracle, ReportWriter reports, Core.Lanes.Lane lane, WorkerProfile worker, IReadOnlyList<ClaimedJob> jobs)
    {
        var errors = oracle.ErrorsFor(lane, worker);
        if (errors.Count == 0) return;
        var text = "dispatched with rule factor 1 after a rule failure: " + string.Join("; ", errors);
        foreach (var job in jobs) reports.Log(new Log { JobId = Messages.JobId(job.Id), Attempt = job.Attempt, Level = "warn", Text = text }, job.Lane.Tenant);
    }
}
