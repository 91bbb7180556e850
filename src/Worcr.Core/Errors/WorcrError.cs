namespace Worcr.Core.Errors;

/// <summary>
/// The one domain error: a rule of Worcr that a request breaks, with a message meant for the user who sent it.
/// Thrown by validation and the job lifecycle; transports translate it (never the other way round), so the same
/// rule reads the same whether it was broken over gRPC or over the admin API.
/// </summary>
public sealed class WorcrError : Exception
{
    public WorcrError(ErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    public ErrorKind Kind { get; }

    public static WorcrError InvalidArgument(string message) => new(ErrorKind.InvalidArgument, message);

    public static WorcrError NotFound(string message) => new(ErrorKind.NotFound, message);

    public static WorcrError Conflict(string message) => new(ErrorKind.Conflict, message);

    public static WorcrError Unauthenticated(string message) => new(ErrorKind.Unauthenticated, message);

    public static WorcrError PermissionDenied(string message) => new(ErrorKind.PermissionDenied, message);

    public static WorcrError ResourceExhausted(string message) => new(ErrorKind.ResourceExhausted, message);

    public static WorcrError Unavailable(string message) => new(ErrorKind.Unavailable, message);
}
