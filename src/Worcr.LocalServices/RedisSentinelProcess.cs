using System.Globalization;

namespace Worcr.LocalServices;

/// <summary>
/// A redis-server in Sentinel mode on 127.0.0.1 that monitors one primary under a service name; ready once it
/// announced the monitoring (<c>+monitor master</c>).
/// </summary>
public sealed class RedisSentinelProcess : IAsyncDisposable
{
    private readonly string _directory;
    private readonly ChildProcess _child;

    private RedisSentinelProcess(string directory, int port, string serviceName, ChildProcess child)
    {
        _directory = directory;
        Port = port;
        ServiceName = serviceName;
        _child = child;
    }

    public int Port { get; }

    public string ServiceName { get; }

    /// <summary>The URL clients use: the Sentinel as host, the service as <c>?sentinel=</c>.</summary>
    public string Url => $"redis://127.0.0.1:{Port}?sentinel={Uri.EscapeDataString(ServiceName)}";

    /// <param name="directory">Holds the Sentinel's configuration file, which Sentinel rewrites; deleted when disposed.</param>
    public static Task<RedisSentinelProcess> StartAsync(RedisProcess primary, string serviceName, string directory, CancellationToken cancellationToken = default) =>
        StartAsync(primary.Port, serviceName, directory, cancellationToken);

    /// <param name="primaryPort">The loopback port of the primary to monitor.</param>
    /// <param name="serviceName">The name clients ask the Sentinel for.</param>
    /// <param name="directory">Holds the Sentinel's configuration file, which Sentinel rewrites; deleted when disposed.</param>
    /// <param name="cancellationToken">Stops waiting for the start.</param>
    public static async Task<RedisSentinelProcess> StartAsync(int primaryPort, string serviceName, string directory, CancellationToken cancellationToken = default)
    {
        var serverPath = Executables.Find("redis-server")
            ?? throw new InvalidOperationException("redis-server was not found on PATH. Install it (Debian: apt-get install redis-server).");
        Directory.CreateDirectory(directory);
        var port = FreePort.Find();
        var configuration = Path.Combine(directory, "sentinel.conf");
        await File.WriteAllTextAsync(configuration, string.Join('\n',
            $"port {port.ToString(CultureInfo.InvariantCulture)}",
            "bind 127.0.0.1",
            $"dir {directory}",
            $"sentinel monitor {serviceName} 127.0.0.1 {primaryPort.ToString(CultureInfo.InvariantCulture)} 1",
            $"sentinel down-after-milliseconds {serviceName} 5000",
            ""), cancellationToken);
        var child = await ChildProcess.StartAsync("redis-sentinel", serverPath, [configuration, "--sentinel"],
            "+monitor master", TimeSpan.FromSeconds(30), cancellationToken);
        return new RedisSentinelProcess(directory, port, serviceName, child);
    }

    /// <summary>Completes once this Sentinel has discovered the replica on <paramref name="port"/> (it logs <c>+slave</c>).</summary>
    public Task ReplicaDiscoveredAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _child.WaitForOutputAsync($"+slave slave 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} ", timeout, cancellationToken);

    /// <summary>
    /// Completes once this Sentinel has switched the service's primary from the server on <paramref name="fromPort"/>
    /// to the one on <paramref name="toPort"/> (it logs <c>+switch-master NAME old-host old-port new-host new-port</c>).
    /// </summary>
    public Task SwitchedPrimaryAsync(int fromPort, int toPort, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _child.WaitForOutputAsync(
            string.Create(CultureInfo.InvariantCulture, $"+switch-master {ServiceName} 127.0.0.1 {fromPort} 127.0.0.1 {toPort}"), timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _child.StopAsync(_child.Id, Signals.SigTerm, TimeSpan.FromSeconds(10));
        await _child.DisposeAsync();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
