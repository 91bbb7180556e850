namespace Worcr.Server.Hosting;

/// <summary>Cancelled when the node starts to drain: worker streams stop taking jobs, long calls end (DispatcherNode.StopAsync).</summary>
internal sealed record NodeDraining(CancellationToken Token);
