using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Core.Dispatch;
using Worcr.Core.Errors;
using Worcr.Core.Input;
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
    private readonly WorkerStreamSettings _options;
    private readonly JobStore _store;
    private readonly Dispatcher _dispatcher;
    private readonly Lifecycle.JobLifecycle _lifecycle;
    private readonly ReportWriter _reports;
    private readonly JobTypeRegistry _jobTypes;
    private readonly Authenticator _authenticator;
    private readonly Limits.LimitGate _limitGate;
    private readonly WorkerIdClaims _workerIds;
    private readonly LeaseFence _fence;
    private readonly CancellationToken _draining;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WorkerConnection(IOptions<NodeIdentityOptions> identity, IOptions<LeaseOptions> leases, IOptions<ListenerOptions> listener,
        IOptions<WorkerLimitOptions> workerLimits, JobStore store, Dispatcher dispatcher, Lifecycle.JobLifecycle lifecycle, ReportWriter reports,
        JobTypeRegistry jobTypes, Authenticator authenticator, Limits.NodeLimits limits, NodeDraining draining, WorkerIdClaims workerIds, TimeProvider time,
        ILogger<WorkerConnection> logger)
    {
        _time = time;
        _options = WorkerStreamSettings.From(identity.Value, leases.Value, listener.Value, workerLimits.Value);
        _store = store;
        _dispatcher = dispatcher;
        _lifecycle = lifecycle;
        _reports = reports;
        _jobTypes = jobTypes;
        _authenticator = authenticator;
        _limitGate = limits.Gate;
        _draining = draining.Token;
        _workerIds = workerIds;
        _logger = logger;
        _fence = new LeaseFence(store, jobTypes, limits.Gate, _options.LeaseDuration, logger);
    }

    /// <summary>
    /// Test seam, null in production: awaited by a stream's pump before it publishes and writes an Assign the dispatch
    /// loop queued, so a test can act (cancel the job, say) while the Assign waits in the stream's queue.
    /// </summary>
    internal Func<Assign, Task>? BeforeAssignWritten { get; set; }

    public async Task ServeAsync(IAsyncStreamReader<WorkerMessage> requests, IServerStreamWriter<DispatcherMessage> responses, ServerCallContext context)
    {
        // A drained SDK worker reconnects to the same address at once; accepting it here would hand it new jobs
        // on a node that is going away and keep the node waiting out its whole drain grace. UNAVAILABLE makes it
        // retry with backoff (behind a load balancer, on another node).
        RefuseWhileDraining();
        // One message at a time, only when the last one is handled: never reading ahead is what lets HTTP/2 flow
        // control stop a worker that reports faster than its budget (see PaceAsync).
        if (!await requests.MoveNext(context.CancellationToken)) return;
        // The Hello is no local here: an async method's locals live as long as it runs (the stream's whole life). The
        // session keeps what the stream uses of it (TakeHello says why).
        var session = OpenSession(TakeHello(requests.Current), context);
        // The id is this stream's until its jobs are released (below): a second Hello with it, anywhere, is refused.
        await _workerIds.ClaimAsync(session, context.CancellationToken);
        try
        {
            await ServeSessionAsync(session, requests, responses, context);
        }
        finally
        {
            await _workerIds.ReleaseAsync(session);
        }
    }

    private async Task ServeSessionAsync(WorkerSession session, IAsyncStreamReader<WorkerMessage> requests,
        IServerStreamWriter<DispatcherMessage> responses, ServerCallContext context)
    {
        var jobTypes = session.Profile.JobTypes;
        var heartbeatInterval = await HeartbeatIntervalAsync(jobTypes, context.CancellationToken);
        await responses.WriteAsync(Welcome(heartbeatInterval), context.CancellationToken);
        await _jobTypes.RegisterAsync(jobTypes, context.CancellationToken);
        _dispatcher.Register(session);
        // The node may have begun draining after the check above but before this session was registered, in which
        // case StopAsync did not see it: drain it here so it neither takes jobs nor holds the node's stop.
        if (_draining.IsCancellationRequested) DrainLateSession(session);
        ServerLog.WorkerConnected(_logger, session.WorkerId, string.Join(',', jobTypes), string.Join(',', session.Profile.Tags), session.Capacity);
        using var pumpStop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        var pump = PumpAsync(session, responses, pumpStop.Token, context.GetHttpContext().RequestAborted);
        var leases = _fence.WatchAsync(session, jobTypes, heartbeatInterval, _time, pumpStop.Token);
        using var renewals = new HeartbeatRenewals(token => RenewLeasesAsync(session, token), token => RenewClaimAndPermitsAsync(session, token),
            context.CancellationToken);
        var cleanEnd = false;
        // A worker that let its outgoing queue pass its bound is cut off even while it sends nothing; a renewal that
        // found its worker id taken ends the stream as well.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, session.CutOff, renewals.Failed);
        try
        {
            session.RenewalOverdueAfter = heartbeatInterval * 1.5;
            session.RenewalStarting();
            while (await requests.MoveNext(reading.Token))
            {
                await HandleAsync(session, renewals, requests.Current, reading.Token);
            }
            renewals.ThrowIfFaulted();
            cleanEnd = true;
        }
        catch (OperationCanceledException) when (session.CutOff.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            WorkersLog.WorkerCutOff(_logger, session.WorkerId, WorkerLimits.MaxOutgoingBytes);
            throw WorcrError.ResourceExhausted(
                $"The worker left more than {WorkerLimits.MaxOutgoingBytes} bytes of messages unread; read the stream as you write to it, then reconnect.");
        }
        catch (OperationCanceledException) when (renewals.Fault is not null && !context.CancellationToken.IsCancellationRequested)
        {
            renewals.ThrowIfFaulted();
            throw;
        }
        finally
        {
            // No job is given to the stream from here on; then, before anything of it is released, its renewals stop:
            // none may run after its permits are freed (a renewal cancelled in a partition can take a moment).
            _dispatcher.Unregister(session);
            session.StopAccepting();
            await renewals.StopAsync();
            // Outcomes and checkpoints already on their way become durable (and acknowledged) before the stream closes,
            // and the progress and log lines queued behind them are handed to the report writer. A stopping node waits
            // for this too before it stops its loops, so the completion and report writers still run for what this
            // worker sent last (SettledAsync never throws).
            await session.Inflight.SettledAsync();
            _dispatcher.Settled(session);
            session.Close();
            if (cleanEnd) await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await pumpStop.CancelAsync();
            await pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await leases.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

    /// <summary>
    /// The Hello, taken out of the first message (which the stream's reader may hold until the next one comes, and a
    /// worker may send none for a while). A Hello may carry up to the message limit in fields the node does not know
    /// (Google.Protobuf keeps them): kept, it would be held as long as the stream is open, one per stream. Once the
    /// Hello is checked, the stream keeps only what it uses of it, in its session (<see cref="OpenSession"/>).
    /// </summary>
    private static Hello TakeHello(WorkerMessage first)
    {
        var hello = first.Hello ?? throw WorcrError.InvalidArgument("The first message on a Connect stream must be Hello.");
        first.ClearMessage();
        return hello;
    }

    /// <summary>
    /// Checks the Hello and opens the stream's session, which copies what the stream uses later (worker id, job types,
    /// tags, capacity, batches): nothing of the stream keeps the Hello itself.
    /// </summary>
    private WorkerSession OpenSession(Hello hello, ServerCallContext context)
    {
        _authenticator.AuthenticateWorker(hello.Token, context);
        if (string.IsNullOrWhiteSpace(hello.WorkerId) || hello.WorkerId.Length > WorkerLimits.MaxNameLength)
        {
            throw WorcrError.InvalidArgument($"Hello.worker_id is required (at most {WorkerLimits.MaxNameLength} characters).");
        }
        ReportText.CheckStorable(hello.WorkerId, "Hello.worker_id");
        if (hello.JobTypes.Count == 0) throw WorcrError.InvalidArgument("Hello.job_types must name at least one job type.");
        if (hello.JobTypes.Count > WorkerLimits.MaxJobTypes)
        {
            throw WorcrError.InvalidArgument($"Hello.job_types: at most {WorkerLimits.MaxJobTypes} job types (got {hello.JobTypes.Count}).");
        }
        // Duplicates are accepted (the profile keeps a set); the .NET SDK checks the same rule before it connects.
        for (var i = 0; i < hello.JobTypes.Count; i++)
        {
            // IsValid first: the field's name, with its index, is formatted only for a type that is refused.
            if (!JobTypeFormat.IsValid(hello.JobTypes[i])) throw WorcrError.InvalidArgument(JobTypeFormat.Problem(hello.JobTypes[i], $"Hello.job_types[{i}]")!);
        }
        if (WorkerTagCheck.Problem(hello.Tags, "Hello.tags") is { } badTags) throw WorcrError.InvalidArgument(badTags);
        if (hello.Capacity is < 0 or > WorkerLimits.MaxCapacity)
        {
            throw WorcrError.InvalidArgument($"Hello.capacity must be between 0 and {WorkerLimits.MaxCapacity}.");
        }
        if (hello.WithheldCredits < 0 || hello.WithheldCredits > hello.Capacity)
        {
            throw WorcrError.InvalidArgument("Hello.withheld_credits must be between 0 and Hello.capacity.");
        }
        var profile = new WorkerProfile(hello.WorkerId, Lane.NormaliseTags(hello.Tags), hello.JobTypes.ToHashSet(StringComparer.Ordinal));
        var rate = _options.WorkerReportsPerSecond;
        return new WorkerSession(profile, hello.Capacity, new ReportBudget(rate, rate, _time.TimestampFrequency, _time.GetTimestamp()), _options.NodeId,
            hello.Batches, _time, hello.Capacity - hello.WithheldCredits);
    }

    /// <summary>
    /// The node's heartbeat interval, shortened to a third of the shortest <c>lease_ms</c> among the worker's job
    /// types, so a type with a short lease is renewed before it expires. A lease changed after the worker connected
    /// applies to its next connection.
    /// </summary>
    private async Task<TimeSpan> HeartbeatIntervalAsync(IReadOnlySet<string> jobTypes, CancellationToken cancellationToken)
    {
        var interval = _options.HeartbeatInterval;
        foreach (var type in jobTypes)
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
            // A WorkerBatch counts against the message limit as a whole: batches are offered only where the SDK's
            // largest one (64 KiB of messages) fits with room to spare.
            Batches = _options.MaxMessageSize >= OutgoingBatch.MaxBytes * 2,
            AcksGoodbye = true,
            // A worker that writes a larger message loses the stream (RESOURCE_EXHAUSTED) and every job on it.
            MaxMessageSize = _options.MaxMessageSize,
        },
    };

    /// <summary>
    /// Writes what the dispatch loop and the read loop queued for the worker. Whatever is queued already goes out in one
    /// write: as one DispatcherBatch to a worker that asked for them (Hello.batches), otherwise as separate messages
    /// buffered and flushed together, so one flush (one HTTP/2 write) carries them all either way.
    /// </summary>
    /// <param name="cancellationToken">Stops taking messages (the stream ends, or the node stops).</param>
    /// <param name="clientGone">Stops a write under way: only the client leaving may, since a write cut off by the
    /// node's stop leaves half a message on the stream, and the worker sees INTERNAL instead of UNAVAILABLE.</param>
    private async Task PumpAsync(WorkerSession session, IServerStreamWriter<DispatcherMessage> responses, CancellationToken cancellationToken,
        CancellationToken clientGone)
    {
        var batch = new OutgoingBatch(Math.Min(OutgoingBatch.MaxBytes, _options.MaxMessageSize / 2));
        try
        {
            while (await session.NextOutgoingAsync(cancellationToken) is { Message: { } first } next)
            {
                var roomMade = next.RoomMade;
                var (message, size) = (first, next.Size);
                while (true)
                {
                    if (await AdmitAsync(session, message, size)) batch.Add(message, size, session.WorkerId);
                    if (!batch.HasRoom || !session.TryNextOutgoing(out message, out size, out var made)) break;
                    roomMade |= made;
                    if (batch.Fits(size)) continue;
                    // Too big to join: what was gathered goes first, then this one starts the next write.
                    await batch.WriteAsync(responses, session.Batches, clientGone);
                }
                if (roomMade) _dispatcher.Wake();
                await batch.WriteAsync(responses, session.Batches, clientGone);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.WorkerWriteFailed(_logger, session.WorkerId, exception);
            session.StopAccepting();
        }
        finally
        {
            batch.EndSpans();
        }
    }

    /// <summary>
    /// False for an Assign over the message limit: it would fail the write and end the stream, and the job would come
    /// back to wedge the next worker, so it is never sent, the job is dead, and the stream goes on.
    /// </summary>
    private async Task<bool> AdmitAsync(WorkerSession session, DispatcherMessage message, int size)
    {
        if (message.Assign is not { } assign) return true;
        if (size > _options.MaxMessageSize)
        {
            await BuryUndeliverableAsync(session, assign, size);
            return false;
        }
        if (BeforeAssignWritten is { } beforeWritten) await beforeWritten(assign);
        // Published before the worker can see the job, so "running" precedes anything it reports. Not for an attempt
        // the stream no longer holds: it was revoked (cancelled, say) while its Assign waited in the queue, its final
        // state is published already, and "running" after it would tell watchers the job started again. The Assign
        // still goes, the Cancel queued behind it follows, so the worker's credits stay as they were.
        if (Messages.ParseJobId(assign.JobId) is { } jobId && session.Holds(jobId, assign.Attempt)) _lifecycle.Started(jobId, assign.Tenant, assign.Attempt);
        return true;
    }

    private async Task HandleAsync(WorkerSession session, HeartbeatRenewals renewals, WorkerMessage message, CancellationToken cancellationToken)
    {
        switch (message.MessageCase)
        {
            case WorkerMessage.MessageOneofCase.Credit:
                // Credits beyond the capacity announced in Hello are not kept (WorkerSession.AddCredits): no error is needed.
                session.AddCredits(message.Credit.N);
                _dispatcher.Wake();
                break;
            case WorkerMessage.MessageOneofCase.Heartbeat:
                // Renewed off the read loop (HeartbeatRenewals): a renewal waiting out a partition holds nothing sent after it.
                session.RenewalStarting();
                renewals.Request();
                break;
            case WorkerMessage.MessageOneofCase.Goodbye:
                session.StopAccepting();
                // Queued behind every Assign this stream will carry: once the worker reads it, no job can follow.
                Ack(session, message.RequestId, true);
                break;
            case WorkerMessage.MessageOneofCase.Hello:
                throw WorcrError.InvalidArgument("Hello may be sent only once, as the first message.");
            case WorkerMessage.MessageOneofCase.Batch:
                foreach (var inner in message.Batch.Messages)
                {
                    if (inner.MessageCase == WorkerMessage.MessageOneofCase.Batch)
                    {
                        throw WorcrError.InvalidArgument("WorkerBatch.messages: a batch may not hold another batch.");
                    }
                    await HandleAsync(session, renewals, inner, cancellationToken);
                }
                break;
            case WorkerMessage.MessageOneofCase.None:
                throw WorcrError.InvalidArgument("Empty or unknown WorkerMessage.");
            default:
                await ReportAsync(session, message, cancellationToken);
                // Reports are read at their budget's pace, so a worker's heartbeat can wait behind its own log lines
                // for longer than a lease: a stream delivering reports is proof enough that the worker lives.
                if (session.TakeOverdueRenewal()) renewals.Request();
                break;
        }
    }

    /// <summary>
    /// A report on one job. A report the node cannot accept (a bad value, an attempt this stream was not given) is
    /// refused for that report only: an Ack with ok=false says why, nothing is stored, and the stream goes on.
    /// </summary>
    private async Task ReportAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        try
        {
            switch (message.MessageCase)
            {
                case WorkerMessage.MessageOneofCase.Complete:
                    Complete(session, message);
                    break;
                case WorkerMessage.MessageOneofCase.Fail:
                    Fail(session, message);
                    break;
                case WorkerMessage.MessageOneofCase.Yield:
                    Yield(session, message);
                    break;
                case WorkerMessage.MessageOneofCase.Checkpoint:
                    await CheckpointAsync(session, message, cancellationToken);
                    break;
                case WorkerMessage.MessageOneofCase.Progress:
                    await PaceAsync(session, cancellationToken);
                    await ProgressAsync(session, message, cancellationToken);
                    break;
                case WorkerMessage.MessageOneofCase.Log:
                    await PaceAsync(session, cancellationToken);
                    await LogAsync(session, message, cancellationToken);
                    break;
                default:
                    throw WorcrError.InvalidArgument("Empty or unknown WorkerMessage.");
            }
        }
        catch (WorcrError refusal) when (refusal.Kind == ErrorKind.InvalidArgument)
        {
            WorkersLog.ReportRefused(_logger, session.WorkerId, JobIdOf(message), refusal.Message);
            Ack(session, message.RequestId, false, refusal.Message);
        }
    }

    /// <summary>
    /// A heartbeat's renewal in PostgreSQL: the stream's leases. This stream's own attempts only: a dead stream's, under
    /// the same worker id, lapse and are requeued. Attempts PostgreSQL shows the stream no longer holds (requeued while the
    /// node missed the cancel) are stopped. Run apart from <see cref="RenewClaimAndPermitsAsync"/>: PostgreSQL down must not
    /// let the Redis permits of running jobs lapse (the limit would admit more), and Redis down must not let the leases
    /// lapse (the jobs would run twice).
    /// </summary>
    private Task RenewLeasesAsync(WorkerSession session, CancellationToken cancellationToken) =>
        RenewAsync(session, () => _fence.RenewAsync(session, cancellationToken), cancellationToken);

    /// <summary>
    /// A heartbeat's renewal in Redis: the worker id's claim, then the concurrency permits, which live as long as the
    /// leases (re-registered after a Redis restart here). Throws when another stream took the id: this stream ends.
    /// </summary>
    private async Task RenewClaimAndPermitsAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        if (!await _workerIds.RenewAsync(session, cancellationToken))
        {
            // Its claim lapsed (Redis lost it, or heartbeats stopped for a while) and another stream took the id:
            // this stream ends, and releases its own jobs only.
            throw WorcrError.Conflict($"Hello.worker_id: {TextCheck.QuoteName(session.WorkerId, ReportLimits.MaxNameLength)} was claimed by another connection while this one's claim had lapsed.");
        }
        await RenewAsync(session, () => _limitGate.RenewAsync(session, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// A failure here (a lost connection, a lock timeout) is not the worker's fault and the leases are still valid for
    /// a while: it is logged and the next heartbeat tries again, instead of ending the stream and re-running every job
    /// the worker holds.
    /// </summary>
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
    private async Task PaceAsync(WorkerSession session, CancellationToken cancellationToken)
    {
        var pause = session.ReportBudget.Take(_time.GetTimestamp());
        if (pause > TimeSpan.Zero) await Task.Delay(pause, _time, cancellationToken);
    }

    private async Task ProgressAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var progress = message.Progress;
        var jobId = RequireJobId(progress.JobId, "Progress.job_id");
        if (string.IsNullOrEmpty(progress.Name)) throw WorcrError.InvalidArgument("Progress.name is required.");
        ReportText.Check(progress.Name, "Progress.name", WorkerLimits.MaxNameLength);
        ReportText.Check(progress.Text, "Progress.text", WorkerLimits.MaxProgressTextLength);
        RequireProgressValue(progress.Current, "Progress.current");
        RequireProgressValue(progress.Total, "Progress.total");
        var held = Admit(session, session.AdmitProgress(jobId, progress.Attempt, progress.Name), jobId, progress.Attempt,
            $"Progress.name: a job may have at most {WorkerLimits.MaxProgressCountersPerJob} progress counters.");
        var update = QueuedReports.Progress(progress, jobId);
        if (!await QueueAsync(session, message.RequestId, jobId, progress.Attempt, update.CalculateSize(), () => _reports.Progress(update, held.Lane.Tenant),
                cancellationToken)) return;
        Ack(session, message.RequestId, true);
    }

    private async Task LogAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var log = message.Log;
        var jobId = RequireJobId(log.JobId, "Log.job_id");
        // Longer lines are cut, not refused: a log line is fire and forget, and its start is worth keeping.
        ReportText.CheckStorable(log.Text, "Log.text");
        ReportText.Check(log.Level, "Log.level", WorkerLimits.MaxNameLength);
        JobSpecValidator.ValidateTimestamp(log.At, "Log.at");
        var held = session.Held(jobId, log.Attempt) ?? throw NotHeld(jobId, log.Attempt);
        var line = QueuedReports.Log(log, jobId);
        if (!await QueueAsync(session, message.RequestId, jobId, log.Attempt, line.CalculateSize(), () => _reports.Log(line, held.Lane.Tenant),
                cancellationToken)) return;
        Ack(session, message.RequestId, true);
    }

    /// <summary>
    /// Hands a progress update or log line on, after the job's checkpoint or outcome in flight, if any: a watcher sees
    /// the job's reports in the order the worker sent them. Kept only as it will be stored (<see cref="QueuedReports"/>)
    /// while it waits. False when too many wait behind the job's outcome already: this one is refused (answered here),
    /// rather than hold the read loop, and with it every other job on the stream, until PostgreSQL takes the outcome.
    /// </summary>
    private async Task<bool> QueueAsync(WorkerSession session, ulong requestId, long jobId, int attempt, int bytes, Action report,
        CancellationToken cancellationToken)
    {
        if (await session.Checkpoints.ThenAsync(jobId, bytes, report, ReportFailed(session, jobId), cancellationToken) is { } handed)
        {
            session.Inflight.Track(handed);
            return true;
        }
        var error = $"job {Messages.JobId(jobId)} attempt {attempt}: its outcome is not stored yet (PostgreSQL is slow to take it), and "
            + $"{CheckpointWrites.MaxQueuedPerJob} of its reports, or {CheckpointWrites.MaxQueuedBytes / (1024 * 1024)} MiB of the stream's, already wait; "
            + "this report, sent after the outcome, was not taken.";
        WorkersLog.ReportRefused(_logger, session.WorkerId, Messages.JobId(jobId), error);
        Ack(session, requestId, false, error);
        return false;
    }

    /// <summary>
    /// Hands the completion to the batcher and reads on: the read loop must not wait for the disk, or one worker
    /// could complete only one job per flush. The acknowledgement goes out once the batch is durable.
    /// </summary>
    private void Complete(WorkerSession session, WorkerMessage message)
    {
        var complete = message.Complete;
        var jobId = RequireJobId(complete.JobId, "Complete.job_id");
        var held = session.Held(jobId, complete.Attempt) ?? throw NotHeld(jobId, complete.Attempt);
        string? result = null;
        if (!string.IsNullOrEmpty(complete.ResultJson))
        {
            ReportText.CheckStorable(complete.ResultJson, "Complete.result_json");
            result = JobSpecValidator.ValidateJson(complete.ResultJson, "Complete.result_json");
        }
        var completion = new Completion(jobId, complete.Attempt, result) { Holder = session.Holder };
        TakeOutcome(session, jobId, complete.Attempt);
        Settle(session, message.RequestId, jobId, complete.Attempt, session.Checkpoints.ThenAsync(jobId, () => _lifecycle.CompleteAsync(completion, held)));
    }

    /// <summary>
    /// Hands the failure to the lifecycle, which keeps it until PostgreSQL takes it, and reads on, as for a completion:
    /// a PostgreSQL outage must not end the stream, or every other job on it would lose its attempt. What waits keeps
    /// the values it stores, never the message: that may hold fields this node does not know, up to the message limit.
    /// </summary>
    private void Fail(WorkerSession session, WorkerMessage message)
    {
        var fail = message.Fail;
        var jobId = RequireJobId(fail.JobId, "Fail.job_id");
        ReportText.Check(fail.Error, "Fail.error", WorkerLimits.MaxErrorLength);
        var retryAfter = ReportTimes.Delay(fail.RetryAfter, "Fail.retry_after");
        var held = session.Held(jobId, fail.Attempt) ?? throw NotHeld(jobId, fail.Attempt);
        var report = new FailReport(fail.Attempt, fail.Retryable, retryAfter);
        var error = fail.Error;
        TakeOutcome(session, jobId, report.Attempt);
        var stored = session.Checkpoints.ThenAsync(jobId, () => _lifecycle.FailUntilStoredAsync(report, jobId, error, held, session.Holder));
        Settle(session, message.RequestId, jobId, report.Attempt, AcceptedAsync(stored));
    }

    private static async Task<bool> AcceptedAsync(Task<FailOutcome> outcome) => (await outcome).Accepted;

    /// <summary>
    /// Hands the yield to the lifecycle and reads on, as <see cref="Fail"/>: a yield must never cost an attempt. What
    /// waits keeps the attempt and the delay, not the message.
    /// </summary>
    private void Yield(WorkerSession session, WorkerMessage message)
    {
        var yield = message.Yield;
        var jobId = RequireJobId(yield.JobId, "Yield.job_id");
        var attempt = yield.Attempt;
        var delay = ReportTimes.Delay(yield.Delay, "Yield.delay") ?? TimeSpan.Zero;
        var held = session.Held(jobId, attempt) ?? throw NotHeld(jobId, attempt);
        TakeOutcome(session, jobId, attempt);
        Settle(session, message.RequestId, jobId, attempt,
            session.Checkpoints.ThenAsync(jobId, () => _lifecycle.YieldUntilStoredAsync(jobId, attempt, delay, held, session.Holder)));
    }

    /// <summary>
    /// Marks the attempt's outcome sent. A second complete, fail or yield of the same attempt is refused: its write could
    /// only be refused by the fence, and while the first one waits for PostgreSQL a worker could pile up such writes (a
    /// completion's result included, up to the message limit each, in the completion writer's queue).
    /// </summary>
    private static void TakeOutcome(WorkerSession session, long jobId, int attempt)
    {
        if (!session.OutcomeSent(jobId, attempt))
        {
            throw WorcrError.InvalidArgument($"job {Messages.JobId(jobId)} attempt {attempt}: its outcome was sent already (or it is no longer running on this stream).");
        }
    }

    /// <summary>
    /// The outcome is on its way to the disk: the stream tracks it (its end waits for it), and once it is stored the
    /// job leaves the worker (<see cref="Finish"/>). Not stored (the node stopped first, or an error retrying cannot
    /// mend) is answered as not accepted, and the lease reaper takes the job once its lease ends.
    /// </summary>
    private void Settle(WorkerSession session, ulong requestId, long jobId, int attempt, Task<bool> stored)
    {
        session.Inflight.Track(stored.ContinueWith(done =>
        {
            if (!done.IsCompletedSuccessfully)
            {
                var why = done.Exception?.GetBaseException().Message ?? "the node stopped before it could be stored";
                ServerLog.WorkerMessageRejected(_logger, session.WorkerId, $"the outcome of job {jobId} attempt {attempt} was not stored: {why}");
            }
            Finish(session, requestId, jobId, attempt, done.IsCompletedSuccessfully && done.Result);
        }, TaskScheduler.Default));
    }

    /// <summary>
    /// Checks the checkpoint on the read loop (a bad one is refused at once), then stores it off the loop
    /// (<see cref="CheckpointWrites"/>): a write PostgreSQL is slow to answer holds only this job's own
    /// later reports, not the rest of the stream. Only a second checkpoint of the same job, sent before the first was
    /// answered, waits on the loop (and a 257th report of the job behind it, <see cref="CheckpointWrites.MaxQueuedPerJob"/>):
    /// one write per job at a time keeps a stream's writes bounded by the jobs it holds. The write keeps a copy of what
    /// it stores (<see cref="QueuedReports.Checkpoint"/>), never the message, while it waits for a slot or for PostgreSQL.
    /// </summary>
    private async Task CheckpointAsync(WorkerSession session, WorkerMessage message, CancellationToken cancellationToken)
    {
        var checkpoint = message.Checkpoint;
        var jobId = RequireJobId(checkpoint.JobId, "Checkpoint.job_id");
        if (string.IsNullOrEmpty(checkpoint.Name)) throw WorcrError.InvalidArgument("Checkpoint.name is required.");
        ReportText.Check(checkpoint.Name, "Checkpoint.name", WorkerLimits.MaxNameLength);
        ReportText.CheckStorable(checkpoint.Value, "Checkpoint.value");
        if (Encoding.UTF8.GetByteCount(checkpoint.Value) > WorkerLimits.MaxCheckpointBytes)
        {
            throw WorcrError.InvalidArgument($"Checkpoint.value: at most {WorkerLimits.MaxCheckpointBytes} bytes.");
        }
        var held = Admit(session, session.AdmitCheckpoint(jobId, checkpoint.Attempt, checkpoint.Name), jobId, checkpoint.Attempt,
            $"Checkpoint.name: a job may have at most {WorkerLimits.MaxCheckpointsPerJob} checkpoints.");
        var requestId = message.RequestId;
        var kept = QueuedReports.Checkpoint(checkpoint, jobId);
        var tenant = held.Lane.Tenant;
        var write = await session.Checkpoints.StartAsync(jobId,
            () => StoreCheckpointAsync(session, requestId, jobId, kept, tenant, cancellationToken), cancellationToken);
        // The stream's end waits for it, as for an outcome: its Ack goes out, and the job is released only after.
        session.Inflight.Track(write);
    }

    /// <summary>Stores the checkpoint and answers it; never throws (what waits for it is the job's next write).</summary>
    private async Task StoreCheckpointAsync(WorkerSession session, ulong requestId, long jobId, Checkpoint checkpoint, string tenant,
        CancellationToken cancellationToken)
    {
        bool accepted;
        try
        {
            accepted = await _store.SaveCheckpointAsync(jobId, checkpoint.Attempt, checkpoint.Name, checkpoint.Value, session.Holder, cancellationToken);
        }
        catch (Exception exception) when (StoreRetry.IsUnreachable(exception) && !cancellationToken.IsCancellationRequested)
        {
            // Refused for this report only, as retryable: the handler decides whether to save it again, and the
            // stream, with every other job on it, goes on.
            WorkersLog.CheckpointNotSaved(_logger, exception, session.WorkerId, jobId, checkpoint.Attempt);
            Ack(session, requestId, false, CheckpointUnavailable, retryable: true);
            return;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // The stream ended: nobody is left to answer.
        }
        catch (Exception exception)
        {
            // Off the read loop, an error it would have ended the stream with refuses this report only.
            WorkersLog.CheckpointFailed(_logger, exception, session.WorkerId, jobId, checkpoint.Attempt);
            Ack(session, requestId, false, CheckpointFailed);
            return;
        }
        if (accepted) _reports.CheckpointSaved(jobId, checkpoint, tenant);
        Ack(session, requestId, accepted);
    }

    private Action<Exception> ReportFailed(WorkerSession session, long jobId) =>
        exception => WorkersLog.QueuedReportFailed(_logger, exception, session.WorkerId, jobId);

    private const string CheckpointFailed = "The node could not save the checkpoint (its log says why).";

    private const string CheckpointUnavailable = "PostgreSQL is unavailable; the checkpoint was not saved: try again";

    /// <summary>The job left the worker: free its slot, acknowledge, and let the loop refill if credits allow.</summary>
    private void Finish(WorkerSession session, ulong requestId, long jobId, int attempt, bool accepted)
    {
        session.Finished(jobId, attempt);
        // The job left the worker: its concurrency permits are freed (in the background; errors are logged there).
        _ = _limitGate.ReleaseAsync(session.WorkerId, jobId, attempt);
        if (!accepted) ServerLog.WorkerMessageRejected(_logger, session.WorkerId, $"job {jobId} attempt {attempt} is no longer running there");
        Ack(session, requestId, accepted);
        // Credits the worker granted before this outcome was stored may have waited for the freed slot.
        _dispatcher.Wake();
    }

    private const string NoLongerRunning = "the job attempt is no longer running on this worker (cancelled, expired or given to another worker)";

    /// <param name="retryable">The refusal is passing (PostgreSQL unavailable): the same report may succeed later.</param>
    private static void Ack(WorkerSession session, ulong requestId, bool accepted, string? error = null, bool retryable = false)
    {
        if (requestId == 0) return;
        session.Send(new DispatcherMessage
        {
            Ack = new Ack { RequestId = requestId, Ok = accepted, Error = accepted ? "" : error ?? NoLongerRunning, Retryable = retryable },
        });
    }

    /// <summary>
    /// An Assign too large to be written: the job is dead with a reason saying so (it could never be delivered), its
    /// slot and credit go back to the worker, and the stream serves on.
    /// </summary>
    private async Task BuryUndeliverableAsync(WorkerSession session, Assign assign, int bytes)
    {
        if (Messages.ParseJobId(assign.JobId) is not { } jobId) return;
        WorkersLog.AssignTooLarge(_logger, session.WorkerId, jobId, assign.Attempt, bytes, _options.MaxMessageSize);
        var held = session.Held(jobId, assign.Attempt);
        var error = $"undeliverable: the job's Assign is {bytes} bytes, over the {_options.MaxMessageSize}-byte message limit";
        try
        {
            await _lifecycle.FailAsync(new FailReport(assign.Attempt, Retryable: false, RetryAfter: null), jobId, error, held, session.Holder, CancellationToken.None);
        }
        catch (Exception exception) when (StoreRetry.IsUnreachable(exception) || exception is KeyNotFoundException)
        {
            // The lease lapses and the reaper takes the job (and counts the failure) instead. Unreachable includes a
            // COMMIT whose answer was lost (UnconfirmedCommitException, an IOException): escaping, it ended the pump.
            ServerLog.WorkerMessageRejected(_logger, session.WorkerId, $"job {jobId} could not be marked dead: {exception.Message}");
        }
        session.Finished(jobId, assign.Attempt);
        _ = _limitGate.ReleaseAsync(session.WorkerId, jobId, assign.Attempt);
        session.AddCredits(1);
        _dispatcher.Wake();
    }

    /// <summary>
    /// The stream is gone: the attempts it was given and still holds go back to waiting (counted as a failed attempt).
    /// Keyed by this stream's own attempts, never by the worker id alone: another stream under the same id keeps its
    /// jobs. Not when this node is draining: then the worker keeps its leases, which lapse if it does not finish them.
    /// When PostgreSQL cannot be reached, nothing renews these attempts any more (heartbeats renew a stream's own
    /// attempts only), so their leases lapse and the lease reaper requeues them once PostgreSQL is back.
    /// </summary>
    private async Task ReleaseAsync(WorkerSession session)
    {
        var released = 0;
        var attempts = session.HeldAttempts();
        try
        {
            if (attempts.Count > 0 && !_draining.IsCancellationRequested)
            {
                var changes = await _lifecycle.ReleaseAttemptsAsync(session.Holder, attempts, $"worker {session.WorkerId} disconnected", CancellationToken.None);
                released = changes.Count;
                if (released > 0) _dispatcher.Wake();
            }
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or TimeoutException)
        {
            WorkersLog.ReleaseLeftToReaper(_logger, exception, session.WorkerId, attempts.Count);
        }
        // The worker stopped these attempts when its stream ended (or never hears of them again), so their concurrency
        // permits are freed whether or not PostgreSQL took the release; a draining node's workers keep theirs until
        // their lease ends. Freed before the worker id's claim is given up, so a reconnect under the same id never
        // shares this stream's permits.
        if (!_draining.IsCancellationRequested) await _limitGate.ReleaseWorkerAsync(session.WorkerId);
        ServerLog.WorkerDisconnected(_logger, session.WorkerId, released);
    }

    /// <summary>The held job, or the refusal: not this stream's attempt, or over the job's bound.</summary>
    private static ClaimedJob Admit(WorkerSession session, ReportAdmission admission, long jobId, int attempt, string overBound) => admission switch
    {
        ReportAdmission.Admitted => session.Held(jobId, attempt) ?? throw NotHeld(jobId, attempt),
        ReportAdmission.OverBound => throw WorcrError.InvalidArgument(overBound),
        _ => throw NotHeld(jobId, attempt),
    };

    private static WorcrError NotHeld(long jobId, int attempt) =>
        WorcrError.InvalidArgument($"job {Messages.JobId(jobId)} attempt {attempt} was not assigned to this stream (or is no longer running on it).");

    private static void RequireProgressValue(long value, string field)
    {
        if (value is < 0 or > WorkerLimits.MaxProgressValue) throw WorcrError.InvalidArgument($"{field}: must be between 0 and {WorkerLimits.MaxProgressValue}.");
    }

    private static long RequireJobId(string jobId, string field) =>
        Messages.ParseJobId(jobId) ?? throw WorcrError.InvalidArgument($"{field}: {TextCheck.Quote(jobId)} is not a job id.");

    private static string JobIdOf(WorkerMessage message) => message.MessageCase switch
    {
        WorkerMessage.MessageOneofCase.Complete => message.Complete.JobId,
        WorkerMessage.MessageOneofCase.Fail => message.Fail.JobId,
        WorkerMessage.MessageOneofCase.Yield => message.Yield.JobId,
        WorkerMessage.MessageOneofCase.Checkpoint => message.Checkpoint.JobId,
        WorkerMessage.MessageOneofCase.Progress => message.Progress.JobId,
        WorkerMessage.MessageOneofCase.Log => message.Log.JobId,
        _ => "",
    } is var id && id.Length <= 40 ? id : id[..40];
}
