using Worcr.Core.Dispatch;

namespace Worcr.Server.Workers;

/// <summary>
/// One attempt a worker stream was given, with the names it reported on so far: progress counters and checkpoints
/// per job are bounded (<see cref="WorkerLimits"/>). Touched only under its session's lock.
/// </summary>
internal sealed class HeldJob
{
    // Made at the first report that needs them: most jobs report no progress, and none of their checkpoints.
    private HashSet<string>? _counters;
    private HashSet<string>? _checkpoints;

    public HeldJob(ClaimedJob job)
    {
        Job = job;
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
    public bool AdmitCounter(string name) => Admit(_counters ??= new HashSet<string>(StringComparer.Ordinal), name, WorkerLimits.MaxProgressCountersPerJob);

    /// <summary>True when the checkpoint name is known (the job's stored ones count) or one more fits.</summary>
    public bool AdmitCheckpoint(string name) =>
        Admit(_checkpoints ??= new HashSet<string>(Job.Checkpoints.Keys, StringComparer.Ordinal), name, WorkerLimits.MaxCheckpointsPerJob);

    private static bool Admit(HashSet<string> names, string name, int max) => names.Contains(name) || (names.Count < max && names.Add(name));
}
