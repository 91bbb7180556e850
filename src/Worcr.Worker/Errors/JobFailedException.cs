namespace Worcr.Worker;

/// <summary>
/// Thrown by a handler to end its attempt as a failure and say whether it is worth running again. Throwing it is
/// the same as returning <see cref="JobResult.Fail"/>; any other exception counts as a retryable failure.
/// </summary>
/// <example>
/// A card that was declined will be declined again, so the job goes dead at once instead of using up its retries:
/// <code>throw new JobFailedException("card declined", retryable: false);</code>
/// </example>
public class JobFailedException : WorcrException
{
    /// <summary>Creates the failure of an attempt.</summary>
    /// <param name="message">The job's error, stored with the attempt and shown to operators.</param>
    /// <param name="retryable">False makes the job dead at once, whatever retries it has left.</param>
    /// <param name="retryAfter">When retryable, run again after this long instead of the rules' backoff.</param>
    /// <param name="innerException">The error that caused the failure, if any.</param>
    public JobFailedException(string message, bool retryable, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Retryable = retryable;
        RetryAfter = retryAfter;
    }

    /// <summary>Whether the job runs again (if it has attempts left) or goes dead at once.</summary>
    public bool Retryable { get; }

    /// <summary>When retryable, the delay before the next attempt; null for the rules' backoff.</summary>
    public TimeSpan? RetryAfter { get; }
}
