using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Input;
using Worcr.Protocol.V1;
using Worcr.Server.Transport;

namespace Worcr.Server.Workers;

/// <summary>
/// A progress update or log line as the node keeps it until the report writer takes it: only the fields the writer
/// stores, each cut as it is stored. The message as received may hold a log line as long as the message limit (4 MiB
/// by default; the writer keeps 8,192 characters of it) and fields this node does not know, which Google.Protobuf
/// keeps; behind a checkpoint PostgreSQL is slow to take, a job queues up to <see cref="CheckpointWrites.MaxQueuedPerJob"/>
/// reports, so kept whole they let one worker park about 1 GiB per job it holds in the node's memory.
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
}
