namespace Worcr.Server.Workers;

/// <summary>Whether a stream may report on an attempt: it holds it, and the report stays within the job's bounds.</summary>
internal enum ReportAdmission
{
    Admitted,

    /// <summary>The stream was not given this attempt (another worker's, another stream's, or a stale one).</summary>
    NotHeld,

    /// <summary>One more counter or checkpoint name than a job may have.</summary>
    OverBound,
}
