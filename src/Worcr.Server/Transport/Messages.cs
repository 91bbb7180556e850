using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Dispatch;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using CoreJobState = Worcr.Core.Jobs.JobState;
using ProtoJobState = Worcr.Protocol.V1.JobState;

namespace Worcr.Server.Transport;

/// <summary>Translations between the store's records and worcr.v1 messages, in one place.</summary>
internal static class Messages
{
    public static string JobId(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a job id from a request; null when it is not one of ours.</summary>
    public static long? ParseJobId(string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;

    public static DispatcherMessage Assign(ClaimedJob job)
    {
        var assign = new Assign
        {
            JobId = JobId(job.Id),
            Attempt = job.Attempt,
            Type = job.Lane.Type,
            Tenant = job.Lane.Tenant,
            ArgsJson = job.ArgsJson,
            MaxAttempts = job.MaxAttempts,
            EnqueuedAt = Timestamp.FromDateTimeOffset(job.EnqueuedAt),
        };
        assign.Tags.AddRange(job.Lane.Tags);
        if (job.ExpiresAt is { } expiresAt) assign.ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt);
        foreach (var (name, value) in job.Checkpoints) assign.Checkpoints[name] = value;
        if (job.TraceParent is { } traceParent) assign.Traceparent = traceParent;
        return new DispatcherMessage { Assign = assign };
    }

    public static ProtoJobState ToProto(CoreJobState state) => state switch
    {
        CoreJobState.Scheduled => ProtoJobState.Scheduled,
        CoreJobState.Waiting => ProtoJobState.Waiting,
        CoreJobState.Running => ProtoJobState.Running,
        CoreJobState.Completed => ProtoJobState.Completed,
        CoreJobState.Failed => ProtoJobState.Failed,
        CoreJobState.Dead => ProtoJobState.Dead,
        CoreJobState.Expired => ProtoJobState.Expired,
        CoreJobState.Cancelled => ProtoJobState.Cancelled,
        _ => ProtoJobState.Unspecified,
    };

    public static Job ToProto(JobRecord record)
    {
        var job = new Job
        {
            Id = JobId(record.Id),
            Tenant = record.Tenant,
            Type = record.Type,
            ArgsJson = record.ArgsJson,
            State = ToProto(record.State),
            Attempt = record.Attempt,
            MaxAttempts = record.MaxAttempts,
            Weight = record.Weight,
            EnqueuedAt = Timestamp.FromDateTimeOffset(record.EnqueuedAt),
            RunAt = Timestamp.FromDateTimeOffset(record.RunAt),
            UniqueKey = record.UniqueKey ?? "",
            LastError = record.LastError ?? "",
            ResultJson = record.ResultJson ?? "",
            WorkerId = record.WorkerId ?? "",
        };
        job.Tags.AddRange(record.Tags);
        if (record.ExpiresAt is { } expiresAt) job.ExpiresAt = Timestamp.FromDateTimeOffset(expiresAt);
        if (record.FinishedAt is { } finishedAt) job.FinishedAt = Timestamp.FromDateTimeOffset(finishedAt);
        foreach (var (name, value) in record.Checkpoints) job.Checkpoints[name] = value;
        foreach (var progress in record.Progress)
        {
            job.Progress.Add(new ProgressCounter
            {
                Name = progress.Name,
                Current = progress.Current,
                Total = progress.Total,
                Text = progress.Text ?? "",
                UpdatedAt = Timestamp.FromDateTimeOffset(progress.UpdatedAt),
            });
        }
        return job;
    }

    public static LogLine ToProto(LogEntry entry) => new()
    {
        Level = entry.Level,
        Text = entry.Text,
        At = Timestamp.FromDateTimeOffset(entry.At),
        Attempt = entry.Attempt,
    };
}
