namespace Worcr.Cli.Bench;

/// <summary>
/// What the chaos producer's calls came to, in jobs: stored, or refused by both nodes; and of the refused, those in
/// calls begun after the fault had ended (refusals there are the slow recovery of enqueueing, not the fault itself).
/// Calls the producer gave up on at its own deadline are counted apart: with a backlog to catch up after an outage,
/// a batch of up to 1,000 jobs can outlast <see cref="CallDeadline"/> on a loaded machine while the node is up.
/// </summary>
internal sealed class ChaosEnqueueTally
{
    public static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(5);
    private long _enqueued;
    private long _refused;
    private long _refusedAfterFault;
    private long _timedOutCalls;
    private volatile bool _faultEnded;

    public long Enqueued => Interlocked.Read(ref _enqueued);

    public long Refused => Interlocked.Read(ref _refused);

    public long RefusedAfterFault => Interlocked.Read(ref _refusedAfterFault);

    /// <summary>Calls (not jobs) cancelled by the producer's deadline.</summary>
    public long TimedOutCalls => Interlocked.Read(ref _timedOutCalls);

    public bool IsAfterFault => _faultEnded;

    public void FaultEnded() => _faultEnded = true;

    public void Stored(int jobs) => Interlocked.Add(ref _enqueued, jobs);

    public void Refuse(int jobs, bool afterFault)
    {
        Interlocked.Add(ref _refused, jobs);
        if (afterFault) Interlocked.Add(ref _refusedAfterFault, jobs);
    }

    public void TimedOut() => Interlocked.Increment(ref _timedOutCalls);
}
