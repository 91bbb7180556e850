namespace Worcr.Worker;

/// <summary>
/// The job's args could not be read as the type the handler asked for. Never retryable: the args do not change
/// between attempts, so the job goes dead at once with this message as its error.
/// </summary>
public sealed class JobArgsException : JobFailedException
{
    /// <summary>Creates the error for args that did not deserialize.</summary>
    /// <param name="message">Which job, which type, and what the JSON reader said.</param>
    /// <param name="innerException">The JSON reader's error.</param>
    public JobArgsException(string message, Exception? innerException = null)
        : base(message, retryable: false, retryAfter: null, innerException)
    {
    }
}
