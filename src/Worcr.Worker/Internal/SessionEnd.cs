namespace Worcr.Worker.Internal;

internal enum SessionEndKind
{
    /// <summary>The worker was asked to stop and left gracefully (or before it was welcomed).</summary>
    Stopped,
    /// <summary>The node sent Drain; the worker left gracefully and should reconnect at once.</summary>
    Drained,
    /// <summary>The stream broke or was refused; reconnect after a backoff unless the error is fatal.</summary>
    Lost,
}

/// <summary>How one Connect stream ended.</summary>
internal sealed record SessionEnd(SessionEndKind Kind, bool Welcomed, Exception? Error = null);
