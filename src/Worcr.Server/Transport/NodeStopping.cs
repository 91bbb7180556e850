namespace Worcr.Server.Transport;

/// <summary>The node's stop signal, for the interceptor that links it into every call.</summary>
internal sealed record NodeStopping(CancellationToken Token);
