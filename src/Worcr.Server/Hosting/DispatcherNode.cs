using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Core.Fairness;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Scripting;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Fairness;
using Worcr.Server.Maintenance;
using Worcr.Server.Rules;
using Worcr.Server.Lifecycle;
using Worcr.Server.Services;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;

namespace Worcr.Server.Hosting;

/// <summary>
/// One running dispatcher node: migrates the database, connects to Redis, serves gRPC and HTTP, and runs the
/// dispatch loop and the background services. Any number of nodes may run against the same PostgreSQL and
/// Redis; each is stateless beyond caches.
/// </summary>
public sealed class DispatcherNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly WorcrDatabase _database;
    private readonly RedisConnection _redis;
    private readonly PostgresListener _listener;
    private readonly Dispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationTokenSource _draining;
    private readonly List<(string Name, Task Run)> _background = new();
    private ILogger _logger = NullLogger.Instance;
    private bool _stopped;
    private RuleCatalog? _rules;
    private TenantShareTable? _tenantShares;

    private DispatcherNode(WebApplication app, WorcrDatabase database, RedisConnection redis, PostgresListener listener,
        Dispatcher dispatcher, CancellationTokenSource stopping, CancellationTokenSource draining, NodeOptions options)
    {
        _app = app;
        _database = database;
        _redis = redis;
        _listener = listener;
        _dispatcher = dispatcher;
        _stopping = stopping;
        _draining = draining;
        Options = options;
    }

    public NodeOptions Options { get; }

    /// <summary>
    /// How long a stopping node waits for its background loops once told to stop. A loop that ignores the signal
    /// is a bug: it is named in the log and in <see cref="LoopsThatDidNotStop"/>, and the node stops anyway rather
    /// than hang its host's shutdown.
    /// </summary>
    private static readonly TimeSpan StopPatience = TimeSpan.FromSeconds(20);

    /// <summary>After <see cref="StopAsync"/>: background loops still running when the node gave up waiting (none when healthy).</summary>
    public IReadOnlyList<string> LoopsThatDidNotStop { get; private set; } = [];

    /// <summary>Live job events of this node (its publisher and its watchers), for tests.</summary>
    internal LiveEvents Events { get; private init; } = null!;

    /// <summary>The node's progress and log writer, for tests.</summary>
    internal ReportWriter Reports { get; private init; } = null!;

    public string NodeId => Options.NodeId;

    /// <summary>Where workers and producers connect (HTTP/2).</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>Where the admin API, GUI, health and metrics are served.</summary>
    public Uri HttpAddress { get; private set; } = null!;

    /// <summary>The version of the rules this node dispatches with right now.</summary>
    public string RulesVersion => _rules?.Current.Version ?? "";

    /// <summary>For tests: waits until this node uses the given share for a tenant (tenant changes arrive by NOTIFY).</summary>
    internal Task WaitForTenantShareAsync(string tenant, double share) =>
        Signals.TenantSharesReloaded.WaitUntilAsync(() => _tenantShares?.Share(tenant) == share, TimeSpan.FromSeconds(10), $"tenant {tenant}'s share {share}");

    /// <summary>For tests: the rounds and reloads of the node's components, to await instead of polling.</summary>
    internal NodeSignals Signals { get; private set; } = null!;

    /// <summary>For tests: every endpoint this node serves (its admin API among them), as routing sees them.</summary>
    internal IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(source => source.Endpoints).ToList();

    /// <summary>For tests: the node's service container (Kestrel and gRPC options as the node runs with them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Workers connected to this node right now.</summary>
    public int ConnectedWorkers => _dispatcher.Sessions.Count();

    public static Task<DispatcherNode> StartAsync(NodeOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, configureLogging, configureServices: null, cancellationToken);

    /// <param name="configureServices">Registrations made before the node's own, e.g. a test's fake <see cref="TimeProvider"/>.</param>
    internal static async Task<DispatcherNode> StartAsync(NodeOptions options, Action<ILoggingBuilder>? configureLogging,
        Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        options.Validate();
        var database = WorcrDatabase.Create(options.PostgresUrl, options.Schema);
        await database.MigrateAsync(cancellationToken);
        var redisOptions = RedisOptions.Parse(options.RedisUrl);
        redisOptions.KeyPrefix = options.RedisKeyPrefix;
        var redis = await RedisConnection.ConnectAsync(redisOptions, cancellationToken);
        var listener = await PostgresListener.StartAsync(database.DataSource, [database.JobsChannel, database.CancelChannel, database.RulesChannel, database.LimitsChannel, database.TenantsChannel], cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (configureLogging is null) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        else configureLogging(builder.Logging);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, ExternallyControlledLifetime>();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddNodeOptions(options);
        // The one clock every part of the node reads (a test host can register another before this one).
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(options.BindAddress);
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.TlsCertificatePath is not null) listen.UseHttps(TlsCertificate.Load(options.TlsCertificatePath, options.TlsKeyPath!));
            });
            kestrel.Listen(address, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var stopping = new CancellationTokenSource();
        NodeGrpc.Register(builder, options, stopping.Token, NodeHealthProbes.For(database, redis));
        builder.AddWorcrTelemetry(options);
        var app = builder.Build();
        // A logger category per component, so an operator can raise or lower one part's log level.
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger<DispatcherNode>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var draining = new CancellationTokenSource();
        var store = database.Jobs;
        var rules = new RuleCatalog(database.Rules, RuleCatalog.LoadFiles(options.RulesDirectory), SandboxLimits.Default, loggers.CreateLogger<RuleCatalog>());
        await rules.ReloadAsync(cancellationToken);
        var limits = await Limits.NodeLimits.StartAsync(database.Limits, redis, options, time, loggers.CreateLogger<Limits.NodeLimits>(), cancellationToken);
        var events = await LiveEvents.StartAsync(redis, options.RedisKeyPrefix, loggers.CreateLogger<LiveEvents>(), time);
        var reports = new ReportWriter(store, time, events.Publisher, options.MaxLogLinesPerJob);
        var oracleLogger = loggers.CreateLogger<RuleWeightOracle>();
        var oracle = new RuleWeightOracle(() => rules.Current, error => ServerLog.RuleFailed(oracleLogger, error));
        var tenantShares = new TenantShareTable(database.Tenants);
        await tenantShares.ReloadAsync(cancellationToken);
        var usage = new RedisGroupUsage(redis, options.RedisKeyPrefix, time);
        var selector = new FairLaneSelector(oracle, FairnessOf(options), tenantShares, usage, options.AgingPeriod);
        var dispatcher = new Dispatcher(store, selector, options, time, loggers.CreateLogger<Dispatcher>(), (lane, worker, jobs) => NoteRuleErrors(oracle, reports, lane.Lane, worker, jobs)) { LimitGate = limits.Gate };
        var tenantKeyCache = new TenantKeyCache(database.TenantKeys, time);
        var jobTypes = new JobTypeRegistry(database.DataSource, database.Schema, options.AcceptUnknownJobTypes);
        var lifecycle = new JobLifecycle(store, events.Publisher, options, rules, jobTypes, limits, time, loggers.CreateLogger<JobLifecycle>());
        var services = new NodeServices(
            options, store, dispatcher, lifecycle, reports, jobTypes,
            new Authenticator(options, tenantKeyCache), rules, loggers.CreateLogger<NodeServices>(), draining.Token, events)
        {
            Cron = database.Cron, Webhooks = database.Webhooks, Limits = limits,
            Sessions = new Admin.SessionStore(redis, options.RedisKeyPrefix, options.SessionLifetime),
            Tenants = database.Tenants, TenantKeys = database.TenantKeys, TenantKeyCache = tenantKeyCache,
            Presence = new PresenceRegistry(redis, options.RedisKeyPrefix),
            WorkerDrains = await WorkerDrainRouter.StartAsync(redis, options.RedisKeyPrefix, options.NodeId, dispatcher, options.DrainTimeout, loggers.CreateLogger<WorkerDrainRouter>()),
            TenantShares = tenantShares, Time = time
        };
        await services.JobTypes.RegisterAsync(options.JobTypes, cancellationToken);
        await CronScheduleFile.LoadAsync(database.Cron, options.RulesDirectory, options.DefaultMaxAttempts, time, loggers.CreateLogger(typeof(CronScheduleFile).FullName!), cancellationToken);

        var node = new DispatcherNode(app, database, redis, listener, dispatcher, stopping, draining, options) { _rules = rules, _tenantShares = tenantShares, Events = events, Reports = reports };
        MapEndpoints(app, services);
        await app.StartAsync(cancellationToken);
        node.ReadAddresses();

        // Metrics and spans (docs/operations.md): one telemetry object for the node, handed to the parts that count.
        var telemetry = app.CreateNodeTelemetry(options, () => dispatcher.Sessions);
        var maintenance = CreateMaintenance(app.Services, redis, database, lifecycle, telemetry, dispatcher.Wake);
        node.Signals = new(dispatcher.Rounds, maintenance.Rounds, rules.Reloaded, limits.Catalog.Reloaded, tenantShares.Reloaded);
        var presence = new PresenceService(services.Presence, dispatcher, options, time, node.GrpcAddress.ToString())
        {
            HttpAddress = node.HttpAddress.ToString(), StartedAt = time.GetUtcNow(), IsLeader = () => maintenance.IsLeader,
        };
        services.Telemetry = dispatcher.Telemetry = limits.Gate.Telemetry = oracle.Telemetry = lifecycle.Telemetry = telemetry;
        node.RunInBackground("dispatch loop", () => dispatcher.RunAsync(stopping.Token));
        node.RunInBackground("completion writer", () => lifecycle.RunCompletionsAsync(stopping.Token));
        node.RunInBackground("enqueue batcher", () => lifecycle.RunEnqueuesAsync(stopping.Token));
        node.RunInBackground("report writer", () => services.Reports.RunAsync(stopping.Token));
        node.RunInBackground("live events", () => events.RunAsync(stopping.Token));
        node.RunInBackground("maintenance", () => maintenance.RunAsync(stopping.Token));
        node.RunInBackground("webhook dispatcher", () => new WebhookDispatcher(database.Webhooks, options.MaintenanceInterval, time, loggers.CreateLogger<WebhookDispatcher>()).RunAsync(stopping.Token));
        node.RunInBackground("presence", () => presence.RunAsync(stopping.Token));
        node.RunInBackground("worker drain router", () => services.WorkerDrains.RunAsync(stopping.Token));
        node.RunInBackground("notification pump", () => node.PumpNotificationsAsync(database, services, stopping.Token));
        node.RunInBackground("limits", () => limits.RunAsync(stopping.Token));
        node.RunInBackground("tenant usage", () => usage.RunAsync(stopping.Token));
        node._logger = logger;
        ServerLog.NodeStarted(logger, options.NodeId, node.GrpcAddress.ToString(), node.HttpAddress.ToString());
        return node;
    }

    /// <summary>The maintenance leader and its maintainers, one per duty, run in this order in each pass.</summary>
    private static MaintenanceLeader CreateMaintenance(IServiceProvider container, RedisConnection redis, WorcrDatabase database,
        JobLifecycle lifecycle, NodeTelemetry telemetry, Action onJobsReady)
    {
        var loggers = container.GetRequiredService<ILoggerFactory>();
        var identity = container.GetRequiredService<IOptions<NodeIdentityOptions>>();
        IMaintainer[] maintainers =
        [
            new LeaseReaper(lifecycle, loggers.CreateLogger<LeaseReaper>()),
            new ScheduledJobPromoter(lifecycle, loggers.CreateLogger<ScheduledJobPromoter>()),
            new JobExpirer(lifecycle, loggers.CreateLogger<JobExpirer>()),
            new CronMaintainer(database.Cron, identity, loggers.CreateLogger<CronMaintainer>()),
        ];
        var prefix = container.GetRequiredService<IOptions<StorageOptions>>().Value.RedisKeyPrefix;
        return new MaintenanceLeader(new RedisLeaderLock(redis, prefix), maintainers, container.GetRequiredService<IOptions<MaintenanceOptions>>(),
            identity, container.GetRequiredService<TimeProvider>(), loggers.CreateLogger<MaintenanceLeader>(), onJobsReady, telemetry);
    }

    private static void MapEndpoints(WebApplication app, NodeServices services)
    {
        NodeGrpc.Map(app, services);
        app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok\n"));
        app.MapWorcrMetrics();
        Admin.AdminApi.Map(app, services);
        Web.GuiFiles.Map(app);
    }

    private void ReadAddresses()
    {
        // Kestrel reports the endpoints in the order they were configured: gRPC first, then HTTP.
        var addresses = _app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
        var scheme = Options.TlsCertificatePath is null ? "http" : "https";
        GrpcAddress = new Uri(addresses[0].Replace("https://", scheme + "://", StringComparison.Ordinal).Replace("http://", scheme + "://", StringComparison.Ordinal));
        HttpAddress = new Uri(addresses[1]);
    }

    private async Task PumpNotificationsAsync(WorcrDatabase database, NodeServices services, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in _listener.Notifications.ReadAllAsync(stoppingToken))
            {
                if (notification.Channel == database.CancelChannel) CancelRouter.Route(notification.Payload, Options.NodeId, _dispatcher);
                else if (notification.Channel == database.JobsChannel) _dispatcher.OnJobsNotification(notification.Payload);
                else if (notification.Channel == database.RulesChannel) _ = ReloadRulesAsync(services, stoppingToken);
                else if (notification.Channel == database.TenantsChannel) _ = ReloadTenantSharesAsync(services, stoppingToken);
                else if (notification.Channel == database.LimitsChannel) _ = services.Limits.ReloadAsync(stoppingToken);
                else
                {
                    // Reconnected: anything announced meanwhile is lost, so re-read both jobs and rules.
                    _dispatcher.RequestReconcile();
                    _ = ReloadRulesAsync(services, stoppingToken);
                    _ = services.Limits.ReloadAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadTenantSharesAsync(NodeServices services, CancellationToken stoppingToken)
    {
        try
        {
            if (_tenantShares is not null) await _tenantShares.ReloadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.TenantsReloadFailed(services.Logger, exception);
        }
    }

    /// <summary>The fairness strategy of a job type: its own setting, else the node's.</summary>
    internal static Func<string, FairnessStrategy> FairnessOf(NodeOptions options)
    {
        var fallback = FairnessStrategies.Parse(options.Fairness);
        var byType = options.FairnessByJobType.ToDictionary(p => p.Key, p => FairnessStrategies.Parse(p.Value), StringComparer.Ordinal);
        return type => byType.TryGetValue(type, out var strategy) ? strategy : fallback;
    }

    private static async Task ReloadRulesAsync(NodeServices services, CancellationToken stoppingToken)
    {
        try
        {
            await services.Rules.ReloadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.RulesReloadFailed(services.Logger, exception);
        }
    }

    /// <summary>A weight rule failed for this lane and worker: say so in the log of every job it sent, so the failure is visible on the job.</summary>
    private static void NoteRuleErrors(RuleWeightOracle oracle, ReportWriter reports, Core.Lanes.Lane lane, WorkerProfile worker, IReadOnlyList<ClaimedJob> jobs)
    {
        var errors = oracle.ErrorsFor(lane, worker);
        if (errors.Count == 0) return;
        var text = "dispatched with rule factor 1 after a rule failure: " + string.Join("; ", errors);
        foreach (var job in jobs) reports.Log(new Log { JobId = Messages.JobId(job.Id), Attempt = job.Attempt, Level = "warn", Text = text }, job.Lane.Tenant);
    }

    /// <summary>
    /// Graceful stop: no new jobs, workers are told to drain (finish or yield, then reconnect elsewhere), and the
    /// node waits for their streams to end up to a grace period. Leases stay with the workers, so nothing is lost.
    /// </summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _draining.CancelAsync();
        var deadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(_dispatcher.Time.GetUtcNow() + Options.DrainTimeout);
        foreach (var session in _dispatcher.Sessions)
        {
            session.StopAccepting();
            session.Send(new DispatcherMessage { Drain = new Drain { Reason = "node shutting down", Deadline = deadline } });
        }
        using (var grace = new CancellationTokenSource(Options.DrainTimeout))
        {
            while (!grace.IsCancellationRequested)
            {
                var changed = _dispatcher.SessionsChanged;
                if (!_dispatcher.Sessions.Any()) break;
                await changed.WaitAsync(grace.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await Task.WhenAll(_background.Select(b => b.Run)).WaitAsync(StopPatience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        LoopsThatDidNotStop = _background.Where(b => !b.Run.IsCompleted).Select(b => b.Name).ToArray();
        if (LoopsThatDidNotStop.Count > 0) ServerLog.LoopsDidNotStop(_logger, string.Join(", ", LoopsThatDidNotStop), StopPatience.TotalSeconds);
        await _listener.DisposeAsync();
        await _redis.DisposeAsync();
        await _database.DisposeAsync();
        await _app.DisposeAsync();
        _rules?.Dispose();
        _stopping.Dispose();
        _draining.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private void RunInBackground(string name, Func<Task> loop) => _background.Add((name, Task.Run(loop)));
}
