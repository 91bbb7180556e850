using Worcr.Core.Dispatch;

namespace Worcr.Server.Workers;

/// <summary>
/// One attempt a worker stream was given, with the names it reported on so far: progress counters and checkpoints
/// per job are bounded (<see cref="WorkerLimits"/>). Touched only under its session's lock.
/// </summary>
internal sealed class HeldJob
{
    private readonly HashSet<string> _counters = new(StringComparer.Ordinal);
    private readonly HashSet<string> _checkpoints;

    public HeldJob(ClaimedJob job)
    {
        Job = job;
        _checkpoints = new HashSet<string>(job.Checkpoints.Keys, StringComparer.Ordinal);
    }

    public ClaimedJob Job { get; }

    /// <summary>
    /// When (<see cref="TimeProvider.GetTimestamp"/>) the lease PostgreSQL holds for this attempt was last known to start
    /// no earlier than: its hand-over to the stream, then the sending of each renewal that renewed it.
    /// </summary>
    public long LeaseCountedFrom { get; set; }

    /// <summary>True once the worker sent the attempt's outcome (complete, fail or yield): it no longer runs it.</summary>
    public bool OutcomeSent { get; set; }

    /// <summary>True when the counter is known or one more fits.</summary>
    public bool AdmitCounter(string name) =>
        _counters.Contains(name) || (_counters.Count < WorkerLimits.MaxProgressCountersPerJob && _counters.Add(name));

    /// <summary>True when the checkpoint name is known or one more fits.</summary>
    public bool AdmitCheckpoint(string name) =>
        _checkpoints.Contains(name) || (_checkpoints.Count < WorkerLimits.MaxCheckpointsPerJob && _checkpoints.Add(name));
}
