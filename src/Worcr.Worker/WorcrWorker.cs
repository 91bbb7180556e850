using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Worker.Internal;

namespace Worcr.Worker;

/// <summary>
/// Hosts job handlers: connects to a node, receives jobs of the registered types, runs them, reports their outcomes,
/// and reconnects with backoff when the stream is lost. Register handlers with <see cref="Handle"/>, then call
/// <see cref="RunAsync"/> once. In an app built on the Generic Host, <c>services.AddWorcrWorker(...)</c> does both
/// and runs it as a hosted service.
/// </summary>
public sealed class WorcrWorker : IAsyncDisposable
{
    private const int NotStarted = 0;
    private const int Started = 1;
    private const int Disposed = 2;

    private readonly WorkerOptions _options;
    private readonly ILogger _logger;
    private readonly Dictionary<string, JobHandler> _handlers = new(StringComparer.Ordinal);
    private readonly WorkerJobs _jobs;
    // Never disposed on purpose: it has no timer, and a RunAsync starting while DisposeAsync runs still links to it.
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // NotStarted, then Started (RunAsync or NeverRan) or Disposed, whichever comes first: one atomic change decides
    // whether a DisposeAsync waits for a run, or a RunAsync finds the worker already stopped.
    private int _state;
    private int _addressIndex;
    private volatile string? _nodeId;

    /// <summary>Creates a worker; nothing connects before <see cref="RunAsync"/>.</summary>
    /// <param name="options">How to connect and behave; validated here.</param>
    /// <param name="logger">Where diagnostics and handler failures are logged; nowhere when null.</param>
    /// <exception cref="ArgumentException">A setting is wrong; the message names it and says how to fix it.</exception>
    public WorcrWorker(WorkerOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _jobs = new WorkerJobs(options.Concurrency);
    }

    /// <summary>Diagnostics (connects, losses, refusals) as plain text; they are also logged through the worker's logger.</summary>
    public event Action<string>? Diagnostic;

    /// <summary>Handlers running right now.</summary>
    public int RunningJobs => _jobs.Running.Value;

    /// <summary>
    /// Completes when the first Welcome arrives; faults if the worker stops on a fatal refusal first, and ends cancelled
    /// if it stops (or is disposed) before any Welcome.
    /// </summary>
    public Task Connected => _connected.Task;

    /// <summary>The node of the current stream; null while not connected.</summary>
    public string? NodeId => _nodeId;

    /// <summary>The options the worker was created with.</summary>
    public WorkerOptions Options => _options;

    /// <summary>Registers the handler for a job type; the registered types are the job_types sent in Hello.</summary>
    /// <param name="jobType">The job type.</param>
    /// <param name="handler">Runs one attempt of a job of that type.</param>
    /// <returns>This worker, to chain registrations.</returns>
    /// <exception cref="ArgumentException"><paramref name="jobType"/> is not a job type the node accepts (1 to 200
    /// letters, digits or '.', '-', '_', ':'), or a handler for it is already registered.</exception>
    /// <exception cref="InvalidOperationException">RunAsync has started, or 1,000 other job types are registered (the
    /// node's bound on Hello.job_types).</exception>
    public WorcrWorker Handle(string jobType, JobHandler handler)
    {
        JobTypeArgument.Check(jobType, nameof(Handle));
        ArgumentNullException.ThrowIfNull(handler);
        if (Volatile.Read(ref _state) == Started)
        {
            throw new InvalidOperationException("Register handlers before RunAsync starts.");
        }

        if (_handlers.Count >= ReportLimits.MaxJobTypes && !_handlers.ContainsKey(jobType))
        {
            // The registered types are Hello.job_types, and the node refuses every connect past its bound.
            throw new InvalidOperationException(
                $"A worker handles at most {ReportLimits.MaxJobTypes} job types (the node refuses a Hello with more); '{jobType}' would be one more.");
        }

        if (!_handlers.TryAdd(jobType, handler))
        {
            throw new ArgumentException($"A handler for job type '{jobType}' is already registered.", nameof(jobType));
        }

        return this;
    }

    /// <summary>
    /// Runs until <paramref name="stoppingToken"/> fires, then leaves gracefully (Goodbye, running jobs get
    /// <see cref="WorkerOptions.ShutdownGrace"/>, the rest are yielded) and returns once every handler has returned,
    /// or after waiting <see cref="WorkerOptions.ShutdownGrace"/> more for handlers that ignore their cancellation.
    /// </summary>
    /// <remarks>
    /// At most <see cref="WorkerOptions.Concurrency"/> handlers run at once across the worker's streams: a handler that
    /// still runs after its stream was lost or left (it ignored its cancellation) keeps its slot, and a new attempt of
    /// its job starts only once it has returned.
    /// </remarks>
    /// <param name="stoppingToken">Asks the worker to leave.</param>
    /// <returns>Completes once the worker has left; at once, without connecting, when it was disposed first.</returns>
    /// <exception cref="WorcrNodeException">The node refused the worker in a way reconnecting cannot fix
    /// (<see cref="WorcrErrorCode.Unauthenticated"/> for a wrong token, for instance).</exception>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // Checked before the worker counts as started: a DisposeAsync after this refusal must not wait for a run.
        if (_handlers.Count == 0)
        {
            throw new InvalidOperationException(
                "Register at least one handler (Handle(jobType, handler), or AddHandler on AddWorcrWorker) before RunAsync.");
        }

        var before = Interlocked.CompareExchange(ref _state, Started, NotStarted);
        if (before == Started)
        {
            throw new InvalidOperationException("RunAsync may be called only once per worker.");
        }

        if (before == Disposed)
        {
            // Disposed first (a host stopping while this starts): a stop, as a token cancelled before the call is.
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _disposeCts.Token);
        try
        {
            await ConnectLoopAsync(stop.Token);
        }
        catch (Exception ex)
        {
            _connected.TrySetException(ex);
            throw;
        }
        finally
        {
            _connected.TrySetCanceled(CancellationToken.None);
            // Cancelled handlers of the last stream (or earlier ones) may still run; returning now would leave them
            // running after the caller believes the worker has stopped.
            await TaskWaits.WaitAtMostAsync(_jobs.AllLeftAsync(), _options.ShutdownGrace);
            _finished.TrySetResult();
        }
    }

    /// <summary>The host stopped before <see cref="RunAsync"/> began: <see cref="Connected"/> ends cancelled (no-op once it ran).</summary>
    internal void NeverRan()
    {
        if (Interlocked.CompareExchange(ref _state, Started, NotStarted) != NotStarted) return;
        EndWithoutRunning();
    }

    /// <summary>
    /// Stops the worker if it runs (as cancelling <see cref="RunAsync"/>'s token would) and waits until it has left:
    /// until every handler has returned, or <see cref="WorkerOptions.ShutdownGrace"/> after the last stream ended.
    /// </summary>
    /// <remarks>
    /// Safe beside a <see cref="RunAsync"/> that is just starting, and when called more than once: a run that began
    /// first is waited for; one that begins after returns at once without connecting.
    /// </remarks>
    /// <returns>Completes once the worker has left.</returns>
    public async ValueTask DisposeAsync()
    {
        _disposeCts.Cancel();
        if (Interlocked.CompareExchange(ref _state, Disposed, NotStarted) == NotStarted)
        {
            EndWithoutRunning();
        }

        await _finished.Task;
    }

    /// <summary>Stopped before any run: whoever awaits <see cref="Connected"/> or the leave hears so.</summary>
    private void EndWithoutRunning()
    {
        _connected.TrySetCanceled(CancellationToken.None);
        _finished.TrySetResult();
    }

    private async Task ConnectLoopAsync(CancellationToken stoppingToken)
    {
        var backoff = new ReconnectBackoff(_options.ReconnectMaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            var end = await RunSessionAsync(stoppingToken);
            backoff.SessionEnded(end);

            if (end.Kind == SessionEndKind.Stopped)
            {
                return;
            }

            if (end.Kind == SessionEndKind.Lost)
            {
                if (FatalStatus.IsFatal(end))
                {
                    var refusal = NodeErrors.ToNodeException((RpcException)end.Error!);
                    WorkerLog.Refused(_logger, refusal, _options.WorkerId, refusal.Code);
                    throw refusal;
                }

                // The node may be gone: the next stream tries the next address, if several were given.
                _addressIndex++;
                await WaitBeforeReconnectAsync(backoff.NextDelay(), end.Error, stoppingToken);
            }
        }
    }

    /// <summary>A fresh channel per stream: after a Drain or a loss, a new connection lets a load balancer pick another node.</summary>
    private async Task<SessionEnd> RunSessionAsync(CancellationToken stoppingToken)
    {
        using var channel = WorcrChannel.Create(CurrentAddress);
        var session = new WorkerSession(_options, _handlers, channel, _jobs, Report, _logger);
        try
        {
            return await session.RunAsync(OnWelcome, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return new SessionEnd(SessionEndKind.Stopped, Welcomed: false);
        }
        catch (Exception ex)
        {
            return new SessionEnd(SessionEndKind.Lost, Welcomed: false, ex);
        }
        finally
        {
            _nodeId = null;
        }
    }

    /// <summary><see cref="WorkerOptions.Address"/>, then each of <see cref="WorkerOptions.OtherAddresses"/>, in turn.</summary>
    private Uri CurrentAddress
    {
        get
        {
            var others = _options.OtherAddresses;
            var index = _addressIndex % (others.Count + 1);
            return index == 0 ? _options.Address : others[index - 1];
        }
    }

    private void OnWelcome(Welcome welcome)
    {
        _nodeId = welcome.NodeId;
        Report($"Connected to node {welcome.NodeId} as {_options.WorkerId}.");
        _connected.TrySetResult();
    }

    private async Task WaitBeforeReconnectAsync(TimeSpan delay, Exception? error, CancellationToken stoppingToken)
    {
        Report($"Stream lost ({error?.Message ?? "ended by the node"}); reconnecting in {delay.TotalMilliseconds:F0} ms.");
        try
        {
            await Task.Delay(delay, stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping while waiting: nothing is connected, so there is nothing to leave.
        }
    }

    private void Report(string text)
    {
        WorkerLog.Diagnostic(_logger, text);
        try
        {
            Diagnostic?.Invoke(text);
        }
        catch (Exception)
        {
            // A faulty diagnostic listener must not take the worker down.
        }
    }
}
