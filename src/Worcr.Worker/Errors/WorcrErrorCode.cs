namespace Worcr.Worker;

/// <summary>
/// Why the node refused a call (or why it could not be made). The values match the gRPC status codes the node
/// answers with, so they are the same in every SDK and in the node's logs.
/// </summary>
public enum WorcrErrorCode
{
    /// <summary>Not an error; never carried by a <see cref="WorcrNodeException"/>.</summary>
    Ok = 0,

    /// <summary>The call was cancelled (by the caller or by the node).</summary>
    Cancelled = 1,

    /// <summary>An error the node did not classify.</summary>
    Unknown = 2,

    /// <summary>The request is invalid (a bad job spec, an unknown job type); sending it again will not help.</summary>
    InvalidArgument = 3,

    /// <summary>The call's deadline passed before it finished.</summary>
    DeadlineExceeded = 4,

    /// <summary>The job (or another named thing) does not exist, or the caller's key may not see it.</summary>
    NotFound = 5,

    /// <summary>It exists already (e.g. a job with the same unique key).</summary>
    AlreadyExists = 6,

    /// <summary>The caller is known but may not do this (e.g. a tenant key used for another tenant).</summary>
    PermissionDenied = 7,

    /// <summary>A size or rate limit was hit (e.g. a message over the size limit).</summary>
    ResourceExhausted = 8,

    /// <summary>The job is not in a state that allows this (e.g. retrying a running job).</summary>
    FailedPrecondition = 9,

    /// <summary>The operation was aborted, usually by a concurrent change; it may be tried again.</summary>
    Aborted = 10,

    /// <summary>A value is outside the range the node accepts.</summary>
    OutOfRange = 11,

    /// <summary>The node does not offer this call (an older node, or not a Worcr node at all).</summary>
    Unimplemented = 12,

    /// <summary>The node failed inside.</summary>
    Internal = 13,

    /// <summary>The node could not be reached, or is shutting down; try again, ideally against another node.</summary>
    Unavailable = 14,

    /// <summary>Data was lost or corrupted.</summary>
    DataLoss = 15,

    /// <summary>The API key or worker token is missing or wrong.</summary>
    Unauthenticated = 16,
}
