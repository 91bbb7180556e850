using System.Text.Json.Serialization;
using Worcr.Protocol.V1;

namespace Worcr.Admin;

// The data of GET /api/jobs/{id}/stream events, one record per event name.

internal sealed record StateEventView(string State, int Attempt, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

internal sealed record CheckpointEventView(string Name, string Value);

internal sealed record LogEventView(int Attempt, string Level, string Text, DateTimeOffset At);

internal static class JobStreamViews
{
    /// <summary>The event's name and data, or null for an event kind the stream does not carry.</summary>
    public static (string Name, object Data)? Of(JobEvent jobEvent) => jobEvent.EventCase switch
    {
        JobEvent.EventOneofCase.StateChanged => ("state", new StateEventView(StateName(jobEvent.StateChanged.State), jobEvent.StateChanged.Attempt,
            string.IsNullOrEmpty(jobEvent.StateChanged.Error) ? null : jobEvent.StateChanged.Error)),
        JobEvent.EventOneofCase.Progress => ("progress", new ProgressView(jobEvent.Progress.Name, jobEvent.Progress.Current, jobEvent.Progress.Total, jobEvent.Progress.Text)),
        JobEvent.EventOneofCase.Checkpoint => ("checkpoint", new CheckpointEventView(jobEvent.Checkpoint.Name, jobEvent.Checkpoint.Value)),
        JobEvent.EventOneofCase.Log => ("log", new LogEventView(jobEvent.Log.Attempt, jobEvent.Log.Level, jobEvent.Log.Text, jobEvent.Log.At?.ToDateTimeOffset() ?? jobEvent.At.ToDateTimeOffset())),
        _ => null,
    };

    /// <summary>JOB_STATE_WAITING → "waiting", as the rest of the API spells states.</summary>
    private static string StateName(JobState state) => state.ToString().ToLowerInvariant();
}
