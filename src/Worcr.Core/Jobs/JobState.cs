namespace Worcr.Core.Jobs;

/// <summary>Where a job is in its life. docs/job-lifecycle.md draws the transitions.</summary>
public enum JobState
{
    /// <summary>Waiting for its run_at time.</summary>
    Scheduled,

    /// <summary>Ready to be dispatched.</summary>
    Waiting,

    /// <summary>Leased to a worker.</summary>
    Running,

    /// <summary>Finished successfully (final).</summary>
    Completed,

    /// <summary>An attempt failed; the next one is scheduled after a backoff.</summary>
    Failed,

    /// <summary>Failed for good (final).</summary>
    Dead,

    /// <summary>Its expires_at passed before it started (final).</summary>
    Expired,

    /// <summary>Cancelled (final).</summary>
    Cancelled,
}

public static class JobStates
{
    /// <summary>The lower-case name used in SQL, JSON and the CLI ("waiting", "dead", ...).</summary>
    public static string ToName(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Waiting => "waiting",
        JobState.Running => "running",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        JobState.Dead => "dead",
        JobState.Expired => "expired",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState Parse(string name) => name switch
    {
        "scheduled" => JobState.Scheduled,
        "waiting" => JobState.Waiting,
        "running" => JobState.Running,
        "completed" => JobState.Completed,
        "failed" => JobState.Failed,
        "dead" => JobState.Dead,
        "expired" => JobState.Expired,
        "cancelled" => JobState.Cancelled,
        _ => throw new FormatException($"Unknown job state '{name}'."),
    };

    /// <summary>True for states a job never leaves on its own.</summary>
    public static bool IsFinal(this JobState state) =>
        state is JobState.Completed or JobState.Dead or JobState.Expired or JobState.Cancelled;
}
