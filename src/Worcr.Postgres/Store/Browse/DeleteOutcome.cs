namespace Worcr.Postgres;

/// <summary>What deleting a job did.</summary>
public enum DeleteOutcome
{
    /// <summary>The finished job and its checkpoints, progress and logs are gone.</summary>
    Deleted,

    /// <summary>The job is not finished; nothing was deleted (cancel it first).</summary>
    Live,

    /// <summary>No such job.</summary>
    NotFound,
}
