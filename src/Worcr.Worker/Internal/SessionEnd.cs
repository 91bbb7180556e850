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
/// <param name="Kind">Why it ended.</param>
/// <param name="Welcomed">Whether the node accepted the Hello.</param>
/// <param name="Error">What broke it, when it was lost.</param>
/// <param name="WelcomedFor">How long the stream lasted after its Welcome (zero when it had none).</param>
internal sealed record SessionEnd(SessionEndKind Kind, bool Welcomed, Exception? Error = null, TimeSpan WelcomedFor = default);
