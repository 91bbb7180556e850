namespace Worcr.Worker.Internal;

/// <summary>The stream a message was sent on ended before the node answered: the outcome is unknown.</summary>
internal sealed class StreamLostException(string message, Exception? inner = null) : Exception(message, inner);
