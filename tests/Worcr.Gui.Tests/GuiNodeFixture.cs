using Microsoft.Extensions.Logging;
using Worcr.Admin;
using Worcr.Server.Hosting;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Gui.Tests;

/// <summary>
/// One dispatcher node with an admin password on the shared real PostgreSQL and Redis, and one in-process SDK
/// worker tagged "gui-worker" that runs "gui.slow" jobs: they report progress and a log line a few times a second
/// until cancelled. "gui.quick" jobs complete at once, so the overview has something to show. A second worker,
/// "gui-drain-worker", takes only "gui.drain-only" jobs (none are ever enqueued) and is there to be drained from the
/// workers page without touching the first.
/// </summary>
public sealed class GuiNodeFixture : IAsyncLifetime
{
    public const string AdminPassword = "gui-admin-pass-5d2e";
    public const string ReadOnlyPassword = "gui-viewer-pass-81c4";
    public const string ApiKey = "gui-operator-key-09f3";
    public const string WorkerToken = "gui-worker-token-6a7b";
    public const string SlowType = "gui.slow";
    public const string QuickType = "gui.quick";
    public const string WorkerId = "gui-worker-1";
    public const string DrainWorkerId = "gui-drain-worker";
    public const string DrainOnlyType = "gui.drain-only";

    private readonly CancellationTokenSource _stopWorker = new();
    private DispatcherNode? _node;
    private WorcrWorker? _worker;
    private Task? _workerRun;
    private WorcrWorker? _drainWorker;
    private Task? _drainWorkerRun;

    public DispatcherNode Node => _node ?? throw new InvalidOperationException("The fixture has not started.");

    public Uri HttpAddress => Node.HttpAddress;

    public WorcrClient Client { get; private set; } = null!;

    /// <summary>The admin API with the operator key, for checking what the GUI changed.</summary>
    public AdminClient Admin { get; private set; } = null!;

    /// <summary>Completes when the node tells the main worker to drain; no test may do that.</summary>
    public Task MainWorkerToldToDrain { get; private set; } = null!;

    /// <summary>Completes when the node tells <see cref="DrainWorkerId"/> to drain (it then reconnects, as SDK workers do).</summary>
    public Task DrainWorkerToldToDrain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var options = new NodeOptions
        {
            PostgresUrl = await TestServices.PostgresAsync(),
            RedisUrl = await TestServices.RedisAsync(),
            Schema = await TestServices.CreateSchemaAsync("gui"),
            RedisKeyPrefix = TestServices.NewKeyPrefix("gui"),
            GrpcPort = 0,
            HttpPort = 0,
            AdminPassword = AdminPassword,
            ReadOnlyPassword = ReadOnlyPassword,
            ApiKey = ApiKey,
            WorkerToken = WorkerToken,
            HeartbeatInterval = TimeSpan.FromSeconds(1),
            MaintenanceInterval = TimeSpan.FromMilliseconds(500),
            NodeId = "gui-node-1",
        };
        options.JobTypes.Add(SlowType);
        options.JobTypes.Add(QuickType);
        _node = await DispatcherNode.StartAsync(options, [new AdminModule()], logging => logging.SetMinimumLevel(LogLevel.Warning));
        Client = new WorcrClient(_node.GrpcAddress, ApiKey);
        Admin = new AdminClient(_node.HttpAddress, ApiKey);
        _worker = new WorcrWorker(new WorkerOptions
        {
            Address = _node.GrpcAddress, Token = WorkerToken, WorkerId = WorkerId, Tags = ["gui-worker", "fast"], Concurrency = 4,
            ShutdownGrace = TimeSpan.FromSeconds(2),
        });
        _worker.Handle(SlowType, RunSlowAsync).Handle(QuickType, _ => Task.FromResult(JobResult.Complete(new { ok = true })));
        MainWorkerToldToDrain = ToldToDrain(_worker);
        _drainWorker = new WorcrWorker(new WorkerOptions
        {
            Address = _node.GrpcAddress, Token = WorkerToken, WorkerId = DrainWorkerId, Tags = ["gui-drain"], Concurrency = 1,
            ShutdownGrace = TimeSpan.FromSeconds(2),
        });
        _drainWorker.Handle(DrainOnlyType, _ => Task.FromResult(JobResult.Complete(new { ok = true })));
        DrainWorkerToldToDrain = ToldToDrain(_drainWorker);
        _workerRun = _worker.RunAsync(_stopWorker.Token);
        _drainWorkerRun = _drainWorker.RunAsync(_stopWorker.Token);
        await Task.WhenAll(_worker.Connected, _drainWorker.Connected).WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Completes when the worker reports the node's Drain (the SDK's diagnostic "Node asked to drain: reason").</summary>
    private static Task ToldToDrain(WorcrWorker worker)
    {
        var told = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Diagnostic += line =>
        {
            if (line.StartsWith("Node asked to drain", StringComparison.Ordinal)) told.TrySetResult();
        };
        return told.Task;
    }

    /// <summary>Counts up slowly, one progress report and one log line per step, until the job is cancelled.</summary>
    private static async Task<JobResult> RunSlowAsync(IJobContext context)
    {
        const int steps = 1000;
        for (var step = 1; step <= steps; step++)
        {
            await context.ProgressAsync("rows", step, steps, $"row {step} of {steps}");
            context.Log(step % 10 == 0 ? "warn" : "info", $"processed row {step}");
            if (step % 5 == 0) await context.CheckpointAsync("last_row", step.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                // The job's simulated work, paced so the pages show it running; the test ends it by cancelling it.
                await Task.Delay(TimeSpan.FromMilliseconds(400), context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                return JobResult.Fail("cancelled while processing", retryable: false);
            }
        }
        return JobResult.Complete(new { rows = steps });
    }

    public async Task<string> EnqueueSlowAsync(string tenant = "acme") =>
        await Client.EnqueueAsync(SlowType, tenant, new { rows = 1000 }, ["import", "gui"]);

    /// <summary>Enqueues a slow job and returns once the worker runs it (seen on a Watch stream, not polled).</summary>
    public async Task<string> StartSlowAsync(string tenant = "acme")
    {
        var id = await EnqueueSlowAsync(tenant);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in Client.WatchAsync([id], ct: patience.Token))
        {
            if (e.StateChanged?.State == Protocol.V1.JobState.Running) return id;
        }
        throw new InvalidOperationException($"Job {id} finished before it was seen running.");
    }

    public async Task DisposeAsync()
    {
        await _stopWorker.CancelAsync();
        if (_workerRun is not null) await _workerRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_drainWorkerRun is not null) await _drainWorkerRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_worker is not null) await _worker.DisposeAsync();
        if (_drainWorker is not null) await _drainWorker.DisposeAsync();
        Admin?.Dispose();
        Client?.Dispose();
        if (_node is not null) await _node.DisposeAsync();
        _stopWorker.Dispose();
    }
}
