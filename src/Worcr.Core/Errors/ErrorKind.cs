namespace Worcr.Core.Errors;

/// <summary>
/// What went wrong, in the terms callers act on. The gRPC services and the admin API each map a kind to their own
/// status code in one place (the gRPC interceptor and the admin API's endpoint filter).
/// </summary>
public enum ErrorKind
{
    /// <summary>The request itself is wrong: a missing or malformed field. Retrying it unchanged fails again.</summary>
    InvalidArgument,

    /// <summary>The job (or other thing) named does not exist, or the caller may not see it.</summary>
    NotFound,

    /// <summary>The request is valid but the thing is in a state that does not allow it.</summary>
    Conflict,

    /// <summary>The caller gave no credentials, or credentials that are not valid.</summary>
    Unauthenticated,

    /// <summary>The caller is known but may not do this.</summary>
    PermissionDenied,

    /// <summary>A quota or limit is used up; trying later may work.</summary>
    ResourceExhausted,

    /// <summary>The node cannot serve this now (shutting down); another node, or a later try, can.</summary>
    Unavailable,
}
