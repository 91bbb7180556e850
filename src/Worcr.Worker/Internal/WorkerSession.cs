using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>
/// One Workers.Connect stream, from Hello to its end: Welcome, heartbeats, jobs, credits, and the graceful leave
/// (Goodbye, finish or yield, complete the request stream) on shutdown or Drain. See docs/protocol.md.
/// </summary>
internal sealed class WorkerSession : ISessionLink
{
    public const string Sdk = "worcr-dotnet/0.1";

    /// <summary>Used when Welcome carries no heartbeat interval.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(10);

    private readonly WorkerOptions _options;
    private readonly Protocol.V1.Workers.WorkersClient _workers;
    private readonly Metadata? _headers;
    private readonly Action<string> _diagnostic;
    private readonly AckTracker _acks = new();
    private readonly Outbox _outbox;
    private readonly CreditBatcher _credits;
    private readonly ProgressCoalescer _progress;
    private readonly SessionJobs _jobs;
    private readonly CancellationTokenSource _sessionCts = new();
    private readonly TaskCompletionSource<Welcome> _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Drain> _drain = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _streamEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _loops = [];

    public WorkerSession(
        WorkerOptions options,
        IReadOnlyDictionary<string, JobHandler> handlers,
        GrpcChannel channel,
        WorkerJobs jobs,
        Action<string> diagnostic,
        ILogger logger)
    {
        _options = options;
        _workers = new Protocol.V1.Workers.WorkersClient(channel);
        _headers = Authorization.BearerHeaders(options.Token);
        _diagnostic = diagnostic;
        _outbox = new Outbox(_acks, diagnostic);
        _credits = new CreditBatcher(_outbox.Post, CreditBatcher.HoldUntilFor(options.Prefetch));
        _progress = new ProgressCoalescer(_outbox.Post);
        _jobs = new SessionJobs(handlers, this, _outbox, _credits, _progress, jobs, diagnostic, logger);
    }

    /// <summary>Runs the stream until it ends; <paramref name="onWelcome"/> is called once the node accepted the Hello.</summary>
    public async Task<SessionEnd> RunAsync(Action<Welcome> onWelcome, CancellationToken stoppingToken)
    {
        using var stopRegistration = stoppingToken.Register(() => _stopRequested.TrySetResult());
        var call = _workers.Connect(new CallOptions(_headers));
        try
        {
            return await ConverseAsync(call, onWelcome, stoppingToken);
        }
        finally
        {
            await CloseAsync(call);
        }
    }

    public void Post(WorkerMessage message) => _outbox.Post(message);

    public Task<Ack> RequestAsync(WorkerMessage message) => _outbox.RequestAsync(message);

    public void ReportProgress(Progress progress) => _progress.Report(progress);

    public async Task<AcquireLimitResponse> AcquireLimitAsync(AcquireLimitRequest request, CancellationToken ct) =>
        await _workers.AcquireLimitAsync(request, new CallOptions(_headers, cancellationToken: ct));

    private async Task<SessionEnd> ConverseAsync(
        AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call, Action<Welcome> onWelcome, CancellationToken stoppingToken)
    {
        _loops.Add(RunWriterAsync(call));
        _loops.Add(ReadAsync(call));
        var heldByLostStreams = _jobs.SlotsHeldByEarlierStreams();
        _outbox.Post(new WorkerMessage { Hello = CreateHello(withheld: heldByLostStreams.Count) });
        GrantEachWhenFree(heldByLostStreams);

        await Task.WhenAny(_welcome.Task, _streamEnded.Task, _stopRequested.Task);
        // Before the Welcome is looked at: one read a moment later must not let the jobs sent right after it start.
        if (_stopRequested.Task.IsCompleted) _jobs.BeginLeaving();
        if (!_welcome.Task.IsCompleted && !_streamEnded.Task.IsCompleted)
        {
            return await LeaveBeforeWelcomeAsync(call);
        }
        if (!_welcome.Task.IsCompletedSuccessfully)
        {
            return stoppingToken.IsCancellationRequested
                ? new SessionEnd(SessionEndKind.Stopped, Welcomed: false)
                : new SessionEnd(SessionEndKind.Lost, Welcomed: false, await _streamEnded.Task);
        }

        var welcome = _welcome.Task.Result;
        var welcomedAt = Stopwatch.GetTimestamp();
        onWelcome(welcome);
        StartBackgroundLoops(welcome);

        await Task.WhenAny(_stopRequested.Task, _drain.Task, _streamEnded.Task);
        if (_streamEnded.Task.IsCompleted)
        {
            return new SessionEnd(SessionEndKind.Lost, Welcomed: true, await _streamEnded.Task, Stopwatch.GetElapsedTime(welcomedAt));
        }

        var drained = !stoppingToken.IsCancellationRequested;
        await LeaveAsync(call, drained ? "drain" : "shutdown", LeaveGrace(drained));
        return new SessionEnd(drained ? SessionEndKind.Drained : SessionEndKind.Stopped, Welcomed: true, WelcomedFor: Stopwatch.GetElapsedTime(welcomedAt));
    }

    /// <param name="withheld">
    /// Slots still taken by handlers of a lost stream: the node is not to count on them, or it would send this stream
    /// jobs that only wait here for those handlers while other workers idle. The capacity stays whole (it bounds every
    /// later Credit), and the first credits leave them out.
    /// </param>
    private Hello CreateHello(int withheld)
    {
        var capacity = _options.Concurrency + _options.Prefetch;
        var hello = new Hello
        {
            WorkerId = _options.WorkerId,
            Capacity = capacity,
            Token = _options.Token ?? "",
            Sdk = Sdk,
            Batches = true,
            WithheldCredits = Math.Min(withheld, capacity),
        };
        hello.Tags.AddRange(_options.Tags);
        hello.JobTypes.AddRange(_jobs.HandledTypes);
        return hello;
    }

    /// <summary>
    /// Grants the credit withheld for each slot of a lost stream's handler once that handler returns (sent once the
    /// Welcome came, batched as any grant, and never once this stream is leaving or gone).
    /// </summary>
    private void GrantEachWhenFree(IReadOnlyList<Task> slotsFreed)
    {
        foreach (var freed in slotsFreed)
        {
            // Dropped with the session (its token): a handler that never returns must not keep every session that
            // reconnected meanwhile alive through its continuations.
            _ = freed.ContinueWith(_ => _credits.Grant(), _sessionCts.Token, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void StartBackgroundLoops(Welcome welcome)
    {
        var heartbeat = welcome.HeartbeatInterval?.ToTimeSpan() is { } interval && interval > TimeSpan.Zero
            ? interval
            : DefaultHeartbeatInterval;
        _loops.Add(HeartbeatAsync(heartbeat));
        _loops.Add(TaskWaits.IgnoreCancellationAsync(_credits.RunAsync(_sessionCts.Token)));
        _loops.Add(TaskWaits.IgnoreCancellationAsync(_progress.RunAsync(ProgressCoalescer.DefaultInterval, _sessionCts.Token)));
    }

    /// <summary>
    /// Stopped before the node's Welcome arrived. The node may have accepted the Hello already and sent jobs after its
    /// Welcome: cutting the stream now would make them a lost worker's, each attempt counted as failed (a job with one
    /// attempt dead unstarted). So the worker waits a while for the Welcome and, if it comes, leaves as after one,
    /// yielding those jobs unstarted. The worker is leaving already (<see cref="ConverseAsync"/>) when it says so: told
    /// first, a listener could let the Welcome through, and its jobs start, before the leave began.
    /// </summary>
    private async Task<SessionEnd> LeaveBeforeWelcomeAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        _diagnostic($"Stopped before the node's Welcome; waiting up to {_options.FinalAnswerWait.TotalSeconds:F0} s for it to leave gracefully.");
        await TaskWaits.WaitAtMostAsync(Task.WhenAny(_welcome.Task, _streamEnded.Task), _options.FinalAnswerWait);
        if (!_welcome.Task.IsCompletedSuccessfully || _streamEnded.Task.IsCompleted)
        {
            return new SessionEnd(SessionEndKind.Stopped, Welcomed: false);
        }

        await LeaveAsync(call, "shutdown", TimeSpan.Zero);
        return new SessionEnd(SessionEndKind.Stopped, Welcomed: true);
    }

    /// <summary>Goodbye; running jobs get the grace to finish; the rest are cancelled and yielded; then the request stream ends.</summary>
    private async Task LeaveAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call, string reason, TimeSpan grace)
    {
        // Leaving before it says so: a job read while a listener handles the line must not start (nor its credit go back).
        _jobs.BeginLeaving();
        _diagnostic($"Leaving ({reason}) with {_jobs.Count} job(s) running; grace {grace}.");
        var graceOver = Task.Delay(grace, _sessionCts.Token);
        // The node acknowledges a Goodbye once it sends no more jobs, on the stream that carries them: once the Ack is
        // read, every Assign it sent is in _jobs (being yielded unstarted), so none arrives after the stream is closed
        // to be released as a lost worker's. (A lost stream fails the request at once.) A node whose Welcome does not
        // say it answers would leave the worker waiting the whole bound at every leave.
        var message = new WorkerMessage { Goodbye = new Goodbye { Reason = reason } };
        if (_welcome.Task.Result.AcksGoodbye)
        {
            await TaskWaits.WaitAtMostAsync(_outbox.RequestAsync(message), _options.FinalAnswerWait);
        }
        else
        {
            _outbox.Post(message);
        }

        await Task.WhenAny(_jobs.WaitAllDoneAsync(), graceOver, _streamEnded.Task);
        if (_streamEnded.Task.IsCompleted)
        {
            return;
        }

        await TaskWaits.WaitAtMostAsync(_jobs.YieldRemainingAsync(), _options.FinalAnswerWait);
        _progress.FlushAll();
        _outbox.Close();
        await TaskWaits.WaitAtMostAsync(_loops[0], _options.FinalAnswerWait);
        await TaskWaits.WaitAtMostAsync(call.RequestStream.CompleteAsync(), _options.FinalAnswerWait);
        await TaskWaits.WaitAtMostAsync(_streamEnded.Task, _options.FinalAnswerWait);
    }

    private TimeSpan LeaveGrace(bool drained)
    {
        var grace = _options.ShutdownGrace;
        if (drained && _drain.Task.Result.Deadline is { } deadline)
        {
            var untilDeadline = deadline.ToDateTime() - DateTime.UtcNow;
            grace = untilDeadline < grace ? untilDeadline : grace;
        }

        return grace < TimeSpan.Zero ? TimeSpan.Zero : grace;
    }

    private async Task RunWriterAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        try
        {
            // The only writer of the request stream: Grpc.Net.Client refuses a write while another is in progress.
            await _outbox.RunWriterAsync(message => call.RequestStream.WriteAsync(message), _sessionCts.Token);
        }
        catch (Exception ex) when (!_sessionCts.IsCancellationRequested)
        {
            // A failed write means the stream is broken; cancelling ends the read loop, which reports the loss.
            _diagnostic($"Writing to the node failed: {ex.Message}");
            _streamEnded.TrySetResult(ex);
            _sessionCts.Cancel();
        }
        catch (OperationCanceledException)
        {
            // The session is over.
        }
    }

    private async Task ReadAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        Exception? error = null;
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(_sessionCts.Token))
            {
                Dispatch(message);
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        _streamEnded.TrySetResult(error);
        _acks.FailAll(new StreamLostException("The stream to the node ended before it answered.", error));
    }

    private void Dispatch(DispatcherMessage message)
    {
        switch (message.MessageCase)
        {
            case DispatcherMessage.MessageOneofCase.Welcome:
                // Set before anything else is posted: only Hello was written so far.
                _outbox.Batches = message.Welcome.Batches;
                _outbox.LimitTo(message.Welcome.MaxMessageSize);
                _welcome.TrySetResult(message.Welcome);
                break;
            case DispatcherMessage.MessageOneofCase.Batch:
                foreach (var inner in message.Batch.Messages) Dispatch(inner);
                break;
            case DispatcherMessage.MessageOneofCase.Assign:
                _jobs.OnAssign(message.Assign);
                break;
            case DispatcherMessage.MessageOneofCase.Cancel:
                _jobs.OnCancel(message.Cancel);
                break;
            case DispatcherMessage.MessageOneofCase.Drain:
                _diagnostic($"Node asked to drain: {message.Drain.Reason}");
                _drain.TrySetResult(message.Drain);
                break;
            case DispatcherMessage.MessageOneofCase.Ack:
                _acks.Complete(message.Ack);
                break;
            default:
                // A newer node may send messages this SDK does not know yet; ignoring them keeps the stream alive.
                _diagnostic($"Ignored an unknown message from the node ({message.MessageCase}).");
                break;
        }
    }

    private async Task HeartbeatAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_sessionCts.Token))
            {
                _outbox.Post(new WorkerMessage { Heartbeat = new Heartbeat() });
            }
        }
        catch (OperationCanceledException)
        {
            // The session is over.
        }
    }

    private async Task CloseAsync(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> call)
    {
        _jobs.AbandonAll();
        _outbox.Close();
        _sessionCts.Cancel();
        _acks.FailAll(new StreamLostException("The session ended."));
        await Task.WhenAll(_loops);
        call.Dispose();
        _sessionCts.Dispose();
    }
}
