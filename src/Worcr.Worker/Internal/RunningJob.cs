using Worcr.Protocol.V1;

namespace Worcr.Worker.Internal;

/// <summary>One assigned attempt on this worker: its cancellation, why it stopped, and whether its outcome was reported.</summary>
internal sealed class RunningJob
{
    // Never disposed on purpose: it has no timer, and a late Stop from another thread must not hit a disposed source.
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _reported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _slotFreed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopReason;
    private int _holdsSlot;
    private int _reportClaimed;

    public RunningJob(Assign assign, object stream)
    {
        Assign = assign;
        Stream = stream;
    }

    public Assign Assign { get; }

    /// <summary>The stream's jobs (its <see cref="SessionJobs"/>) that hold this attempt: only they answer for it.</summary>
    public object Stream { get; }

    public string JobId => Assign.JobId;

    public int Attempt => Assign.Attempt;

    public CancellationToken Token => _cts.Token;

    public JobStopReason StopReason => (JobStopReason)Volatile.Read(ref _stopReason);

    /// <summary>Completes once the job has left this worker (handler ended and outcome answered, or abandoned).</summary>
    public Task Done => _done.Task;

    /// <summary>Cancels the handler; the first reason wins, so a node Cancel is not later mistaken for a shutdown.</summary>
    public void Stop(JobStopReason reason)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)JobStopReason.None) == (int)JobStopReason.None)
        {
            _cts.Cancel();
        }
    }

    /// <summary>
    /// Completes once the outcome was answered (or the stream lost), whoever reported it, or the job left: a leave
    /// that finds the report claimed by another caller waits for this before it closes the stream.
    /// </summary>
    public Task Reported => _reported.Task;

    /// <summary>True for exactly one caller: the outcome of an attempt is reported once (by its handler or by shutdown).</summary>
    public bool TryClaimReport() => Interlocked.Exchange(ref _reportClaimed, 1) == 0;

    public void MarkReported() => _reported.TrySetResult();

    /// <summary>True from the moment its handler took one of the worker's slots until it gave it back.</summary>
    public bool HoldsSlot => Volatile.Read(ref _holdsSlot) == 1;

    /// <summary>Completes once the slot it took is free again (or it left without one).</summary>
    public Task SlotFreed => _slotFreed.Task;

    public void TookSlot() => Volatile.Write(ref _holdsSlot, 1);

    /// <summary>Called once the slot is back in the worker's semaphore, so whoever <see cref="SlotFreed"/> wakes can use it.</summary>
    public void GaveSlotBack()
    {
        Volatile.Write(ref _holdsSlot, 0);
        _slotFreed.TrySetResult();
    }

    public void MarkDone()
    {
        _slotFreed.TrySetResult();
        _reported.TrySetResult();
        _done.TrySetResult();
    }
}
