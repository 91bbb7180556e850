using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// A progress update, log line or checkpoint as the node keeps it until it is stored: only the fields stored, each cut
/// as it is stored. The message as received may hold a log line as long as the message limit (4 MiB by default; the
/// writer keeps 8,192 characters of it) and fields this node does not know, which Google.Protobuf keeps; behind a
/// checkpoint PostgreSQL is slow to take, a job queues up to <see cref="CheckpointWrites.MaxQueuedPerJob"/> reports, so
/// kept whole they let one worker park about 1 GiB per job it holds in the node's memory. A checkpoint waits for its
/// write (a slot of the stream's, then PostgreSQL) as long as a partition lasts, one per job: kept whole, one message
/// limit per job the worker holds.
/// </summary>
internal static class QueuedReports
{
    /// <param name="jobId">The job, as parsed from <see cref="Log.JobId"/>.</param>
    public static Log Log(Log log, long jobId) => new()
    {
        JobId = Messages.JobId(jobId),
        Attempt = log.Attempt,
        Level = log.Level,
        Text = TextCheck.Cut(log.Text, WorkerLimits.MaxLogTextLength),
        At = log.At is { } at ? new Timestamp { Seconds = at.Seconds, Nanos = at.Nanos } : null,
    };

    /// <param name="jobId">The job, as parsed from <see cref="Progress.JobId"/>.</param>
    public static Progress Progress(Progress progress, long jobId) => new()
    {
        JobId = Messages.JobId(jobId),
        Attempt = progress.Attempt,
        Name = TextCheck.Cut(progress.Name, WorkerLimits.MaxNameLength),
        Current = progress.Current,
        Total = progress.Total,
        Text = TextCheck.Cut(progress.Text, WorkerLimits.MaxProgressTextLength),
    };

    /// <summary>The checkpoint, checked already (its name and value are within their bounds, stored whole).</summary>
    /// <param name="jobId">The job, as parsed from <see cref="Checkpoint.JobId"/>.</param>
    public static Checkpoint Checkpoint(Checkpoint checkpoint, long jobId) => new()
    {
        JobId = Messages.JobId(jobId),
        Attempt = checkpoint.Attempt,
        Name = checkpoint.Name,
        Value = checkpoint.Value,
    };
}
