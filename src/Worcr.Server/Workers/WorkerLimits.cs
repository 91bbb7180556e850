using Worcr.Core.Input;

namespace Worcr.Server.Workers;

/// <summary>
/// Every bound on what one worker stream may send or hold, in one place (docs/security.md, "Worker limits"); those
/// the worker SDK checks too are defined in <see cref="ReportLimits"/>. A report
/// over a bound is refused for that report only (a refused Ack naming the field); the stream and other jobs go on.
/// </summary>
internal static class WorkerLimits
{
    /// <summary>Hello.capacity: the most jobs a worker may hold at once, whatever credits it grants later.</summary>
    public const int MaxCapacity = ReportLimits.MaxCapacity;

    /// <summary>
    /// Hello.tags: as many as a job may have (the whole rule is <see cref="WorkerTagCheck"/>). Every weight rule gets the
    /// worker's tags on each call, copied into the script before its budget starts: a Hello of a million tags made each
    /// call cost seconds outside the budget (an explain of one job against two rules took 6.9 s), on the dispatch loop
    /// every worker shares.
    /// </summary>
    public const int MaxTags = InputLimits.MaxTags;

    /// <summary>One of Hello.tags, in characters (a job's tag may have as many).</summary>
    public const int MaxTagLength = InputLimits.MaxTagLength;

    /// <summary>Hello.job_types (the worker SDK checks it too).</summary>
    public const int MaxJobTypes = ReportLimits.MaxJobTypes;

    /// <summary>Worker ids, progress counter names and checkpoint names, in characters.</summary>
    public const int MaxNameLength = ReportLimits.MaxNameLength;

    /// <summary>Progress.text, in characters.</summary>
    public const int MaxProgressTextLength = 1024;

    /// <summary>Progress.current and Progress.total: 0 to 2^53 − 1, so every JSON reader (the GUI's included) reads them exactly.</summary>
    public const long MaxProgressValue = (1L << 53) - 1;

    /// <summary>Distinct progress counters one attempt of a job may report.</summary>
    public const int MaxProgressCountersPerJob = 32;

    /// <summary>Log.text, in characters; a longer line is cut to this length, not refused.</summary>
    public const int MaxLogTextLength = ReportLimits.MaxLogTextLength;

    /// <summary>Checkpoint.value, in UTF-8 bytes.</summary>
    public const int MaxCheckpointBytes = ReportLimits.MaxCheckpointBytes;

    /// <summary>Distinct checkpoint names a job may hold (those it brought to the attempt included).</summary>
    public const int MaxCheckpointsPerJob = 32;

    /// <summary>Fail.error, in characters (longer texts are refused, not cut).</summary>
    public const int MaxErrorLength = Lifecycle.JobLifecycle.MaxErrorLength;

    /// <summary>
    /// Bytes of messages waiting to be written to one worker (Assigns, Acks, Cancels). Past it a worker that does not
    /// read is cut off with RESOURCE_EXHAUSTED; an Assign is simply held back while the queue is over half of it.
    /// </summary>
    public const int MaxOutgoingBytes = 16 * 1024 * 1024;
}
