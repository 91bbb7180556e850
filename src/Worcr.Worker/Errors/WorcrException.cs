namespace Worcr.Worker;

/// <summary>
/// The base of every error the SDK defines, so one <c>catch (WorcrException)</c> covers them:
/// <see cref="WorcrNodeException"/> when the node refuses a call or cannot be reached,
/// <see cref="JobFailedException"/> when a handler ends its attempt with a failure.
/// </summary>
public class WorcrException : Exception
{
    /// <summary>Creates an error with a message and, optionally, the error that caused it.</summary>
    /// <param name="message">What went wrong, for people.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public WorcrException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
