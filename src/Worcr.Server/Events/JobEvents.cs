using Google.Protobuf.WellKnownTypes;
using Worcr.Postgres;
using Worcr.Protocol.V1;
using Worcr.Server.Transport;
using CoreJobState = Worcr.Core.Jobs.JobState;

namespace Worcr.Server.Events;

/// <summary>Builds the <see cref="JobEvent"/> messages that nodes publish and watchers receive.</summary>
internal static class JobEvents
{
    public static JobEvent StateChanged(long jobId, CoreJobState state, int attempt, string? error = null) => new()
    {
        JobId = Messages.JobId(jobId),
        At = Now(),
        StateChanged = new StateChanged { State = Messages.ToProto(state), Attempt = attempt, Error = ErrorOf(state, error) },
    };

    public static JobEvent StateChanged(Core.Jobs.JobStateRecord record) => StateChanged(record.Id, record.State, record.Attempt, record.LastError);

    public static JobEvent Progress(long jobId, ProgressUpdate update) => new()
    {
        JobId = Messages.JobId(jobId),
        At = Now(),
        Progress = new ProgressCounter { Name = update.Name, Current = update.Current, Total = update.Total, Text = update.Text ?? "", UpdatedAt = Now() },
    };

    public static JobEvent Checkpoint(long jobId, string name, string value) => new()
    {
        JobId = Messages.JobId(jobId),
        At = Now(),
        Checkpoint = new CheckpointSaved { Name = name, Value = value },
    };

    public static JobEvent Log(LogEntry entry) => new()
    {
        JobId = Messages.JobId(entry.JobId),
        At = Timestamp.FromDateTimeOffset(entry.At),
        Log = Messages.ToProto(entry),
    };

    public static bool IsFinal(JobState state) =>
        state is JobState.Completed or JobState.Dead or JobState.Expired or JobState.Cancelled;

    // The proto documents the error for failed, dead and cancelled only.
    private static string ErrorOf(CoreJobState state, string? error) =>
        state is CoreJobState.Failed or CoreJobState.Dead or CoreJobState.Cancelled ? error ?? "" : "";

    private static Timestamp Now() => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
}
