using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Fairness;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Redis;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Fairness;
using Worcr.Server.Rules;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;
using Worcr.Server.Workers;

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
    private readonly NodeConnections _connections;
    private readonly Dispatcher _dispatcher;
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationTokenSource _draining;
    private ILogger _logger = NullLogger.Instance;
    private bool _stopped;
    private RuleCatalog? _rules;
    private TenantShareTable? _tenantShares;
    private Lifecycle.JobLifecycle? _lifecycle;

    private DispatcherNode(WebApplication app, WorcrDatabase database, RedisConnection redis, NodeConnections connections,
        Dispatcher dispatcher, CancellationTokenSource stopping, CancellationTokenSource draining, NodeOptions options)
    {
        _app = app;
        _database = database;
        _redis = redis;
        _connections = connections;
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
    internal NodeSignals Signals { get; private init; } = null!;

    /// <summary>For tests: every endpoint this node serves (its admin API among them), as routing sees them.</summary>
    internal IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(source => source.Endpoints).ToList();

    /// <summary>For tests: the node's service container (Kestrel and gRPC options as the node runs with them).</summary>
    internal IServiceProvider Services => _app.Services;

    /// <summary>Workers connected to this node right now.</summary>
    public int ConnectedWorkers => _dispatcher.Sessions.Count();

    /// <param name="options">The node's settings, validated before anything starts.</param>
    /// <param name="modules">The parts the host adds to the node, e.g. the admin API and GUI (Worcr.Admin's AdminModule); empty for a bare node.</param>
    /// <param name="configureLogging">Replaces the default single-line console logging.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static Task<DispatcherNode> StartAsync(NodeOptions options, IReadOnlyList<INodeModule> modules, Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default) =>
        StartAsync(options, modules, configureLogging, configureServices: null, cancellationToken);

    /// <param name="configureServices">Registrations made before the node's own, e.g. a test's fake <see cref="TimeProvider"/>.</param>
    internal static async Task<DispatcherNode> StartAsync(NodeOptions options, IReadOnlyList<INodeModule> modules, Action<ILoggingBuilder>? configureLogging,
        Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        options.Validate();
        var database = WorcrDatabase.Create(options.PostgresUrl, options.Schema);
        var redisOptions = RedisOptions.Parse(options.RedisUrl);
        redisOptions.KeyPrefix = options.RedisKeyPrefix;
        // Opened, migrated and listening in the first start step (NodeStartup), inside the host's start.
        var redis = RedisConnection.Unopened(redisOptions);
        var connections = new NodeConnections(database, redis);

        // The node reads its settings once (NodeConfiguration); the host's own appsettings.json need not be watched
        // for changes, and on Linux that watch covers every folder under the working directory: seconds of start-up
        // in a big one (bench/RESULTS.md, start to serving).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
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
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (options.HttpTls) listen.UseHttps(TlsCertificate.Load(options.TlsCertificatePath!, options.TlsKeyPath!));
            });
        });
        var stopping = new CancellationTokenSource();
        var draining = new CancellationTokenSource();
        NodeGrpc.Register(builder, options, stopping.Token, NodeHealthProbes.For(database, redis));
        builder.AddWorcrTelemetry(options);
        builder.Services.AddNodeComponents(connections, redis, draining.Token);
        foreach (var module in modules) module.AddServices(builder.Services);
        // Start steps first (hosted lifecycle services start before any hosted service), then the loops.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService, NodeStartup>();
        builder.Services.AddNodeLoops();
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host =>
        {
            // Loops stop together, each given StopPatience; a failing loop ends alone rather than the node (NodeLoop
            // logs it; a module's own BackgroundService is treated alike).
            host.ShutdownTimeout = StopPatience;
            host.ServicesStopConcurrently = true;
            host.BackgroundServiceExceptionBehavior = Microsoft.Extensions.Hosting.BackgroundServiceExceptionBehavior.Ignore;
        });
        var app = builder.Build();
        var container = app.Services;
        var node = new DispatcherNode(app, database, redis, connections, container.GetRequiredService<Dispatcher>(), stopping, draining, options)
        {
            _rules = container.GetRequiredService<RuleCatalog>(), _tenantShares = container.GetRequiredService<TenantShareTable>(),
            _lifecycle = container.GetRequiredService<Lifecycle.JobLifecycle>(),
            Events = container.GetRequiredService<LiveEvents>(), Reports = container.GetRequiredService<ReportWriter>(),
            Signals = container.GetRequiredService<NodeSignals>(), _logger = container.GetRequiredService<ILogger<DispatcherNode>>(),
        };
        MapEndpoints(app, modules);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            // A start step failed (the migration, the listener, the rules…) or a port was taken: its own error fails
            // the start, and nothing the node opened stays open. The loops that had started stop first, so none of
            // them runs on a connection closed under it.
            await node.StopAfterFailedStartAsync();
            await node.DisposeStartedPartsAsync();
            throw;
        }
        var addresses = container.GetRequiredService<NodeAddresses>();
        node.GrpcAddress = addresses.Grpc;
        node.HttpAddress = addresses.Http;
        ServerLog.NodeStarted(node._logger, options.NodeId, node.GrpcAddress.ToString(), node.HttpAddress.ToString());
        return node;
    }

    private static void MapEndpoints(WebApplication app, IReadOnlyList<INodeModule> modules)
    {
        NodeGrpc.Map(app);
        app.MapGet("/healthz", () => Microsoft.AspNetCore.Http.Results.Text("ok\n"));
        app.MapWorcrMetrics();
        foreach (var module in modules) module.Map(app);
    }

    /// <summary>The fairness strategy of a job type: its own setting, else the node's.</summary>
    internal static Func<string, FairnessStrategy> FairnessOf(FairnessOptions options)
    {
        var fallback = FairnessStrategies.Parse(options.Fairness);
        var byType = options.FairnessByJobType.ToDictionary(p => p.Key, p => FairnessStrategies.Parse(p.Value), StringComparer.Ordinal);
        return type => byType.TryGetValue(type, out var strategy) ? strategy : fallback;
    }

    /// <summary>
    /// Graceful stop: no new jobs, workers are told to drain (finish or yield, then reconnect elsewhere), and the
    /// node waits for their streams to end up to a grace period. Leases stay with the workers, so nothing is lost.
    /// </summary>
    /// <summary>How long a stopping node lets worker streams write their UNAVAILABLE before the server stops.</summary>
    private static readonly TimeSpan StreamEndPatience = TimeSpan.FromSeconds(2);

    /// <summary>How long a stopping node waits for the live events announced during its stop to be published.</summary>
    private static readonly TimeSpan LateEventsPatience = TimeSpan.FromSeconds(5);

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
            await StreamsEndedAsync(grace.Token);
        }
        await _stopping.CancelAsync();
        // The streams of workers that stayed now end with UNAVAILABLE; let them write that status before the
        // server stops, so no worker sees its stream cut off instead (bounded: a stop never waits on a worker).
        using (var ending = new CancellationTokenSource(StreamEndPatience))
        {
            await StreamsEndedAsync(ending.Token);
        }
        if (_dispatcher.HasStreams) await StreamsSettledAsync();
        try
        {
            // Stops the loops (each hosted service is told to stop) and the server, waiting up to StopPatience.
            await _app.StopAsync();
        }
        catch (Exception exception) when (exception is OperationCanceledException or AggregateException)
        {
            // A hosted service outlived the shutdown timeout: the loops still running are named below.
        }
        LoopsThatDidNotStop = _app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<NodeLoop>()
            .Where(loop => loop.ExecuteTask is { IsCompleted: false }).Select(loop => loop.Name).ToArray();
        if (LoopsThatDidNotStop.Count > 0) ServerLog.LoopsDidNotStop(_logger, string.Join(", ", LoopsThatDidNotStop), StopPatience.TotalSeconds);
        await DisposeStartedPartsAsync();
    }

    /// <summary>Returns once no worker stream is open or still storing what its worker sent, or when <paramref name="until"/> is cancelled.</summary>
    private async Task StreamsEndedAsync(CancellationToken until)
    {
        while (!until.IsCancellationRequested)
        {
            var changed = _dispatcher.SessionsChanged;
            if (!_dispatcher.HasStreams) return;
            await changed.WaitAsync(until).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Streams ended but still storing what their workers sent: a checkpoint, an outcome PostgreSQL is slow to take, and
    /// the job's reports queued behind them, which reach the completion and report writers only once those are stored.
    /// The loops must outlive them: stopped first, the report writer made its last flush before such a report came,
    /// and the report was dropped although acknowledged. This waits on PostgreSQL, never on a worker, and no longer
    /// than the outcomes' own patience, which starts here (the completion writer's stop does not restart it).
    /// </summary>
    private async Task StreamsSettledAsync()
    {
        var (giveUp, patience) = _lifecycle!.OutcomesStopping();
        ServerLog.StreamsStillStoring(_logger, _dispatcher.StreamCount, patience.TotalSeconds);
        await StreamsEndedAsync(giveUp);
    }

    /// <summary>
    /// Tells every hosted service to stop (those that never started return at once), waiting up to the host's
    /// shutdown timeout. A failure here is not reported: the start's own error is what the caller must see.
    /// </summary>
    private async Task StopAfterFailedStartAsync()
    {
        await _draining.CancelAsync();
        await _stopping.CancelAsync();
        try
        {
            await _app.StopAsync();
        }
        catch (Exception)
        {
        }
    }

    /// <summary>Closes the connections, then disposes what the container built (the rule catalog's script engines among them).</summary>
    private async Task DisposeStartedPartsAsync()
    {
        // Live events announced while the node stopped go out before Redis closes (bounded: Redis may be away).
        await Events.Publisher.CloseAsync().WaitAsync(LateEventsPatience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _connections.DisposeAsync();
        await _redis.DisposeAsync();
        await _database.DisposeAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
        _draining.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
