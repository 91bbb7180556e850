namespace Worcr.Core.Input;

/// <summary>
/// The bounds on what a worker sends (its Hello and its reports) that the node enforces and the .NET worker SDK also
/// checks before it sends, so the two cannot disagree; a worker's tags follow <see cref="WorkerTagCheck"/>. A report over one is refused by the node (an outcome refused leaves its job held by the worker)
/// or, past the gRPC message limit, cannot be written at all. The node's other worker bounds are in its WorkerLimits.
/// </summary>
public static class ReportLimits
{
    /// <summary>Hello.capacity: the most jobs a worker may hold at once (the SDK's Concurrency plus Prefetch).</summary>
    public const int MaxCapacity = 10_000;

    /// <summary>
    /// Hello.job_types: every weight rule gets them on each call, copied into the script before its budget starts, as
    /// the tags are; a Hello could carry hundreds of thousands of them within the message size.
    /// </summary>
    public const int MaxJobTypes = 1_000;

    /// <summary>Worker ids, progress counter names and checkpoint names, in characters.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Log.text, in characters; a longer line is cut to this length, not refused.</summary>
    public const int MaxLogTextLength = 8192;

    /// <summary>Checkpoint.value, in UTF-8 bytes.</summary>
    public const int MaxCheckpointBytes = 64 * 1024;

    /// <summary>Fail.error (and any error text stored with a job), in characters.</summary>
    public const int MaxErrorLength = 8192;

    /// <summary>Complete.result_json, in UTF-8 bytes as sent and as PostgreSQL prints it back (checked as args are).</summary>
    public const int MaxResultBytes = InputLimits.MaxArgsBytes;
}
