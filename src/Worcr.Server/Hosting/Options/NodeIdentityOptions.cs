namespace Worcr.Server.Hosting;

/// <summary>Who this node is among the others sharing its PostgreSQL and Redis.</summary>
public sealed class NodeIdentityOptions
{
    /// <summary>This node's id in leases and presence. Default host-pid-random.</summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}
