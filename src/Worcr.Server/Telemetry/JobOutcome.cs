namespace Worcr.Server.Telemetry;

/// <summary>How an attempt left its worker, as the metrics and the finish span tell it.</summary>
internal enum JobOutcome
{
    Completed,

    /// <summary>Failed, and goes back for another attempt.</summary>
    Retried,

    /// <summary>Failed with no attempt left (or not retryable).</summary>
    Dead,

    /// <summary>Handed back without using up an attempt.</summary>
    Yielded,
}
