using System.Runtime.ExceptionServices;

namespace Worcr.Server.Workers;

/// <summary>
/// What a worker's heartbeat renews, run off its stream's read loop: a renewal PostgreSQL or Redis is slow to answer
/// (a network partition holds it until the command times out) must not hold what the worker sent after the heartbeat
/// (outcomes, progress, logs, credits). Two renewals, each at most one at a time (<see cref="CoalescedRenewal"/>), so
/// that either store out of reach never delays the other's: the leases in PostgreSQL, and the worker id's claim and the
/// concurrency permits in Redis. What a renewal throws (the worker id taken by another stream) ends the stream with
/// that error: the read loop's token is cancelled, and the loop throws <see cref="Fault"/>.
/// </summary>
internal sealed class HeartbeatRenewals : IDisposable
{
    private readonly CancellationTokenSource _stopping;
    private readonly CancellationTokenSource _faulted = new();
    private readonly CoalescedRenewal _leases;
    private readonly CoalescedRenewal _redis;
    private Exception? _fault;

    /// <param name="renewLeases">Renews the stream's leases (PostgreSQL).</param>
    /// <param name="renewRedis">Renews the worker id's claim and the stream's concurrency permits (Redis).</param>
    /// <param name="streamEnded">The stream is gone: a renewal under way is cancelled.</param>
    public HeartbeatRenewals(Func<CancellationToken, Task> renewLeases, Func<CancellationToken, Task> renewRedis, CancellationToken streamEnded)
    {
        _stopping = CancellationTokenSource.CreateLinkedTokenSource(streamEnded);
        _leases = new CoalescedRenewal(renewLeases, Faulted, _stopping.Token);
        _redis = new CoalescedRenewal(renewRedis, Faulted, _stopping.Token);
    }

    /// <summary>Cancelled once a renewal threw: the read loop stops reading, and the stream ends with <see cref="Fault"/>.</summary>
    public CancellationToken Failed => _faulted.Token;

    /// <summary>What the first renewal that threw threw, or null.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>A heartbeat (or an overdue renewal): both renewals start, or follow the ones under way.</summary>
    public void Request()
    {
        _leases.Request();
        _redis.Request();
    }

    /// <summary>Throws what a renewal threw, if one did.</summary>
    public void ThrowIfFaulted()
    {
        if (Fault is { } fault) ExceptionDispatchInfo.Throw(fault);
    }

    /// <summary>
    /// The stream ends: the renewals under way are cancelled and waited for, and none starts after, so none runs once
    /// the stream released its jobs and permits (a permit renewal then would register them again).
    /// </summary>
    public async Task StopAsync()
    {
        try
        {
            await _stopping.CancelAsync();
        }
        catch (AggregateException)
        {
            // A client library's cancellation callback threw: the renewals are awaited all the same, and the stream's
            // end (which calls this from a finally) must go on to release its jobs and permits.
        }
        await _leases.Running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _redis.Running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _faulted.Dispose();
    }

    private void Faulted(Exception exception)
    {
        if (Interlocked.CompareExchange(ref _fault, exception, null) is not null) return;
        try
        {
            _faulted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream is over already.
        }
    }
}
