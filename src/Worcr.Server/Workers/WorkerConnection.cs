using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Worcr.Core.Dispatch;
using Worcr.Core.Errors;
using Worcr.Core.Jobs;
using Worcr.Core.Lanes;
using Worcr.Core.Retries;
using Worcr.Core.Workers;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Scripting;
using Worcr.Server.Dispatch;
using Worcr.Server.Enqueue;
using Worcr.Server.Hosting;
using Worcr.Server.Identity;
using Worcr.Server.JobTypes;
using Worcr.Server.Lifecycle;
using Worcr.Server.Limits;
using Worcr.Server.Telemetry;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// Serves one Workers.Connect stream: Hello, then the worker's reports, while a pump sends what the dispatch
/// loop queued for it. Translates messages and calls the store; no dispatch decisions are made here.
/// </summary>
internal sealed class WorkerConnection
{
    private const int MaxCapacity = 10_000;
    private readonly NodeOptions _options;
    private readonly JobStore _store;
    private readonly Dispatcher _dispatcher;
    private readonly Lifecycle.JobLifecycle _lifecycle;
    private readonly ReportWriter _reports;
    private readonly JobTypeRegistry _jobTypes;
    private readonly Authenticator _authenticator;
    private readonly Limits.LimitGate _limitGate;
    private readonly CancellationToken _draining;
    private readonly ILogger _logger;

    public WorkerConnection(NodeOptions options, JobStore store, Dispatcher dispatcher, Lifecycle.JobLifecycle lifecycle, ReportWriter reports,
        JobTypeRegistry jobTypes, Authenticator authenticator, Limits.NodeLimits limits, NodeDraining draining, ILogger<WorkerConnection> logger)
    {
        _options = options;
        _store = store;
        _dispatcher = dispatcher;
        _lifecycle = lifecycle;
        _reports = reports;
        _jobTypes = jobTypes;
        _authenticator = authenticator;
        _limitGate = limits.Gate;
        _draining = draining.Token;
        _logger = logger;
    }

    public async Task ServeAsync(IAsyncStreamReader<WorkerMessage> requests, IServerStreamWriter<DispatcherMessage> responses, ServerCallContext context)
    {
        // A drained SDK worker reconnects to the same address at once; accepting it here would hand it new jobs
        // on a node that is going away and keep the node waiting out its whole drain grace. UNAVAILABLE makes it
        // retry with backoff (behind a load balancer, on another node).
        RefuseWhileDraining();
        // One message at a time, only when the last one is handled: never reading ahead is what lets HTTP/2 flow
        // control stop a worker that reports faster than its budget (see PaceAsync).
        if (!await requests.MoveNext(context.CancellationToken)) return;
        var hello = requests.Current.Hello ?? throw WorcrError.InvalidArgument("The first message on a Connect stream must be Hello.");
        var session = OpenSession(hello, context);
        await responses.WriteAsync(Welcome(await HeartbeatIntervalAsync(hello, context.CancellationToken)), context.CancellationToken);
        await _jobTypes.RegisterAsync(hello.JobTypes, context.CancellationToken);
        _dispatcher.Register(session);
        // The node may have begun draining after the check above but before this session was registered, in which
        // case StopAsync did not see it: drain it here so it neither takes jobs nor holds the node's stop.
        if (_draining.IsCancellationRequested) DrainLateSession(session);
        ServerLog.WorkerConnected(_logger, session.WorkerId, string.Join(',', hello.JobTypes), string.Join(',', hello.Tags), hello.Capacity);
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var pump = PumpAsync(session, responses, pumpStop.Token, context.GetHttpContext().RequestAborted);
        var cleanEnd = false;
        try
        {
            while (await requests.MoveNext(context.CancellationToken))
            {
                await HandleAsync(session, requests.Current, context.CancellationToken);
            }
            cleanEnd = true;
        }
        finally
        {
            _dispatcher.Unregister(session);
            session.StopAccepting();
            // Completions already sent to the batcher become durable (and acknowledged) before the stream closes.
            await session.Inflight.SettledAsync();
            session.Close();
            if (cleanEnd) await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await pumpStop.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await ReleaseAsync(session);
        }
    }

    private void RefuseWhileDraining()
    {
        if (_draining.IsCancellationRequested)
        {
            throw WorcrError.Unavailable("This node is shutting down; connect again (a load balancer picks another node).");
        }
    }

    private static void DrainLateSession(WorkerSession session)
    {
        session.StopAccepting();
        session.Send(new DispatcherMessage { Drain = new Drain { Reason = "node shutting down" } });
    }

    private WorkerSession OpenSession(Hello hello, ServerCallContext context)
    {
        _authenticator.AuthenticateWorker(hello.Token, context);
        if (string.IsNullOrWhiteSpace(hello.WorkerId) || hello.WorkerId.Length > 200)
        {
            throw WorcrError.InvalidArgument("Hello.worker_id is required (at most 200 characters).");
        }
        if (hello.JobTypes.Count == 0) throw WorcrError.InvalidArgument("Hello.job_types must name at least one job type.");
        foreach (var type in hello.JobTypes) JobSpecValidator.ValidateType(type, "Hello.job_types");
        if (hello.Capacity is < 0 or > MaxCapacity) throw WorcrError.InvalidArgument($"Hello.capacity must be between 0 and {MaxCapacity}.");
        var profile = new WorkerProfile(hello.WorkerId, Lane.NormaliseTags(hello.Tags), hello.JobTypes.ToHashSet(StringComparer.Ordinal));
        var rate = _options.WorkerReportsPerSecond;
        return new WorkerSession(profile, hello.Capacity, new ReportBudget(rate, rate, Stopwatch.Frequency, Stopwatch.GetTimestamp()));
    }

    /// <summary>
    /// The node's heartbeat interval, shortened to a third of the shortest <c>lease_ms</c> among the worker's job
    /// types, so a type with a short lease is renewed before it expires. A lease changed after the worker connected
    /// applies to its next connection.
    /// </summary>
    private async Task<TimeSpan> HeartbeatIntervalAsync(Hello hello, CancellationToken cancellationToken)
    {
        var interval = _options.HeartbeatInterval;
        foreach (var type in hello.JobTypes.Distinct(StringComparer.Ordinal))
        {
            if ((await _jobTypes.SettingsAsync(type, cancellationToken)).LeaseMs is { } leaseMs)
            {
                var third = TimeSpan.FromMilliseconds(leaseMs / 3.0);
                if (third < interval) interval = third;
            }
        }
        return interval;
    }

    private DispatcherMessage Welcome(TimeSpan heartbeatInterval) => new()
    {
        Welcome = new Welcome
        {
            NodeId = _options.NodeId,
            HeartbeatInterval = Duration.FromTimeSpan(heartbeatInterval),
            LeaseDuration = Duration.FromTimeSpan(_options.LeaseDuration),
        },
    };

    /// <param name="cancellationToken">Stops taking messages (the stream ends, or the node stops).</param>
    /// <param name="clientGone">Stops a write under way: only the client leaving may, since a write cut off by the
    /// node's stop leaves half a message on the stream, and the worker sees INTERNAL instead of UNAVAILABLE.</param>
    private async Task PumpAsync(WorkerSession session, IServerStreamWriter<DispatcherMessage> responses, CancellationToken cancellationToken,
        CancellationToken clientGone)
    {
        try
        {
            await foreach (var message in session.Outgoing.ReadAllAsync(cancellationToken))
            {
                // Published before the worker can see the job, so "running" precedes anything it reports.
                if (message.Assign is { } assign) Started(assign);
                using (Telemetry.NodeActivities.StartAssign(message, session.WorkerId)) await responses.WriteAsync(message, clientGone);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.WorkerWriteFailed(_logger, session.WorkerId, exception);
            session.StopAccepting();
        }
    }

    private async Task HandleAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        switch (message.MessageCase)
        {
            case WorkerMessage.MessageOneofCase.Credit:
                if (message.Credit.N is <= 0 or > MaxCapacity) throw WorcrError.InvalidArgument($"Credit.n must be between 1 and {MaxCapacity}.");
                session.AddCredits(message.Credit.N);
                _dispatcher.Wake();
                break;
            case WorkerMessage.MessageOneofCase.Complete:
                Complete(session, message);
                break;
            case WorkerMessage.MessageOneofCase.Fail:
                await FailAsync(session, message, cancellationToken);
                break;
            case WorkerMessage.MessageOneofCase.Yield:
                await YieldAsync(session, message, cancellationToken);
                break;
            case WorkerMessage.MessageOneofCase.Checkpoint:
                await CheckpointAsync(session, message, cancellationToken);
                break;
            case WorkerMessage.MessageOneofCase.Progress:
                await PaceAsync(session, cancellationToken);
                _reports.Progress(message.Progress, TenantOf(session, message.Progress.JobId, message.Progress.Attempt));
                break;
            case WorkerMessage.MessageOneofCase.Log:
                await PaceAsync(session, cancellationToken);
                _reports.Log(message.Log, TenantOf(session, message.Log.JobId, message.Log.Attempt));
                break;
            case WorkerMessage.MessageOneofCase.Heartbeat:
                await HeartbeatAsync(session, cancellationToken);
                break;
            case WorkerMessage.MessageOneofCase.Goodbye:
                session.StopAccepting();
                break;
            case WorkerMessage.MessageOneofCase.Hello:
                throw WorcrError.InvalidArgument("Hello may be sent only once, as the first message.");
            default:
                throw WorcrError.InvalidArgument("Empty or unknown WorkerMessage.");
        }
    }

    /// <summary>
    /// Renews the worker's leases and concurrency permits. A failure here (a lost connection, a lock timeout) is
    /// not the worker's fault and the leases are still valid for a while: it is logged and the next heartbeat
    /// tries again, instead of ending the stream and re-running every job the worker holds.
    /// </summary>
    private async Task HeartbeatAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        // Each renewed on its own: PostgreSQL down must not let the Redis permits of running jobs lapse (the limit
        // would admit more), and Redis down must not let the leases lapse (the jobs would run twice).
        await RenewAsync(session, () => _store.RenewLeasesAsync(session.WorkerId, _options.NodeId, _options.LeaseDuration, cancellationToken), cancellationToken);
        // Concurrency permits live as long as the leases: renewed (re-registered after a Redis restart) here.
        await RenewAsync(session, () => _limitGate.RenewAsync(session, cancellationToken), cancellationToken);
    }

    private async Task RenewAsync(WorkerSession session, Func<Task> renew, CancellationToken cancellationToken)
    {
        try
        {
            await renew();
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or StackExchange.Redis.RedisException or IOException
            && !cancellationToken.IsCancellationRequested)
        {
            ServerLog.HeartbeatFailed(_logger, session.WorkerId, exception);
        }
    }

    /// <summary>
    /// Holds this worker's read loop while it reports faster than its budget. Not reading lets HTTP/2 flow control
    /// stop the sender once the stream's window is full, so the flood costs the node nothing more meanwhile.
    /// </summary>
    private static async Task PaceAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var pause = session.ReportBudget.Take(Stopwatch.GetTimestamp());
        if (pause > TimeSpan.Zero) await Task.Delay(pause, cancellationToken);
    }

    /// <summary>
    /// Hands the completion to the batcher and reads on: the read loop must not wait for the disk, or one worker
    /// could complete only one job per flush. The acknowledgement goes out once the batch is durable.
    /// </summary>
    private void Complete(WorkerSession session, WorkerMessage message)
    {
        var complete = message.Complete;
        var jobId = RequireJobId(complete.JobId);
        var result = string.IsNullOrEmpty(complete.ResultJson) ? null : JobSpecValidator.ValidateJson(complete.ResultJson, "Complete.result_json");
        var stored = _lifecycle.CompleteAsync(new Completion(jobId, complete.Attempt, result), session.Held(jobId, complete.Attempt));
        session.Inflight.Track(stored.ContinueWith(
            done => Finish(session, message.RequestId, jobId, complete.Attempt, done.IsCompletedSuccessfully && done.Result),
            TaskScheduler.Default));
    }

    private async Task FailAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var fail = message.Fail;
        var jobId = RequireJobId(fail.JobId);
        var retryAfter = fail.RetryAfter?.ToTimeSpan();
        if (retryAfter < TimeSpan.Zero) throw WorcrError.InvalidArgument("Fail.retry_after must not be negative.");
        var report = new FailReport(fail.Attempt, fail.Retryable, retryAfter);
        var outcome = await _lifecycle.FailAsync(report, jobId, fail.Error, session.Held(jobId, fail.Attempt), cancellationToken);
        Finish(session, message.RequestId, jobId, fail.Attempt, outcome.Accepted);
    }

    private async Task YieldAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var yield = message.Yield;
        var jobId = RequireJobId(yield.JobId);
        var delay = yield.Delay?.ToTimeSpan() ?? TimeSpan.Zero;
        if (delay < TimeSpan.Zero) throw WorcrError.InvalidArgument("Yield.delay must not be negative.");
        var accepted = await _lifecycle.YieldAsync(jobId, yield.Attempt, delay, session.Held(jobId, yield.Attempt), cancellationToken);
        Finish(session, message.RequestId, jobId, yield.Attempt, accepted);
    }

    private async Task CheckpointAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var checkpoint = message.Checkpoint;
        var jobId = RequireJobId(checkpoint.JobId);
        if (string.IsNullOrEmpty(checkpoint.Name) || checkpoint.Name.Length > 200) throw WorcrError.InvalidArgument("Checkpoint.name is required (at most 200 characters).");
        if (checkpoint.Value.Length > 64 * 1024) throw WorcrError.InvalidArgument("Checkpoint.value must be at most 64 KiB.");
        var accepted = await _store.SaveCheckpointAsync(jobId, checkpoint.Attempt, checkpoint.Name, checkpoint.Value, cancellationToken);
        if (accepted) _reports.CheckpointSaved(jobId, checkpoint, TenantOf(session, jobId, checkpoint.Attempt));
        Ack(session, message.RequestId, accepted);
    }

    /// <summary>The job left the worker: free its slot, acknowledge, and let the loop refill if credits allow.</summary>
    private void Finish(WorkerSession session, ulong requestId, long jobId, int attempt, bool accepted)
    {
        session.Finished(jobId, attempt);
        // The job left the worker: its concurrency permits are freed (in the background; errors are logged there).
        _ = _limitGate.ReleaseAsync(session.WorkerId, jobId, attempt);
        if (!accepted) ServerLog.WorkerMessageRejected(_logger, session.WorkerId, $"job {jobId} attempt {attempt} is no longer running there");
        Ack(session, requestId, accepted);
    }

    private static void Ack(WorkerSession session, ulong requestId, bool accepted)
    {
        if (requestId == 0) return;
        session.Send(new DispatcherMessage
        {
            Ack = new Ack { RequestId = requestId, Ok = accepted, Error = accepted ? "" : "the job attempt is no longer running on this worker (cancelled, expired or given to another worker)" },
        });
    }

    /// <summary>
    /// The stream is gone: jobs the worker still held go back to waiting (counted as a failed attempt). Not when
    /// this node is draining: then the worker keeps its leases and reports to another node.
    /// </summary>
    private async Task ReleaseAsync(WorkerSession session)
    {
        var released = 0;
        if (session.RunningCount > 0 && !_draining.IsCancellationRequested)
        {
            var changes = await _lifecycle.ReleaseWorkerAsync(session.WorkerId, _options.NodeId, $"worker {session.WorkerId} disconnected", CancellationToken.None);
            released = changes.Count;
            if (released > 0) _dispatcher.Wake();
        }
        // Released jobs free their concurrency permits; a draining node's workers keep theirs until their lease ends.
        if (!_draining.IsCancellationRequested) await _limitGate.ReleaseWorkerAsync(session.WorkerId);
        ServerLog.WorkerDisconnected(_logger, session.WorkerId, released);
    }

    private void Started(Assign assign)
    {
        if (Messages.ParseJobId(assign.JobId) is { } jobId) _lifecycle.Started(jobId, assign.Tenant, assign.Attempt);
    }

    /// <summary>The tenant of a job this worker holds, for tenant-wide watchers ("" for a job it no longer holds).</summary>
    private static string TenantOf(WorkerSession session, string jobId, int attempt) =>
        Messages.ParseJobId(jobId) is { } id ? TenantOf(session, id, attempt) : "";

    private static string TenantOf(WorkerSession session, long jobId, int attempt) => session.Held(jobId, attempt)?.Lane.Tenant ?? "";

    private static long RequireJobId(string jobId) =>
        Messages.ParseJobId(jobId) ?? throw WorcrError.InvalidArgument($"'{jobId}' is not a job id.");
}
