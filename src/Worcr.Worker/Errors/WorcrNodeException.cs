namespace Worcr.Worker;

/// <summary>
/// The node refused a call, or could not be reached. <see cref="Code"/> says why and <see cref="Detail"/> is the
/// node's own explanation; the transport's error is kept as the inner exception for diagnostics only.
/// </summary>
public sealed class WorcrNodeException : WorcrException
{
    /// <summary>Creates the error for a refused or failed call.</summary>
    /// <param name="code">Why the call failed.</param>
    /// <param name="detail">The node's explanation (may be empty).</param>
    /// <param name="innerException">The transport's error, if any.</param>
    public WorcrNodeException(WorcrErrorCode code, string detail, Exception? innerException = null)
        : base(string.IsNullOrEmpty(detail) ? $"The node answered {code}." : $"The node answered {code}: {detail}", innerException)
    {
        Code = code;
        Detail = detail ?? "";
    }

    /// <summary>Why the call failed.</summary>
    public WorcrErrorCode Code { get; }

    /// <summary>The node's explanation, e.g. which field of a job spec is wrong; empty when it gave none.</summary>
    public string Detail { get; }
}
