using System.Globalization;

namespace Worcr.LocalServices;

/// <summary>A redis-server child process on 127.0.0.1 with persistence off (it holds only ephemeral state).</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly RedisProcessOptions _options;
    private readonly string _serverPath;
    private readonly int _clusterBusPort;
    private ChildProcess? _child;

    private RedisProcess(RedisProcessOptions options, string serverPath, int port)
    {
        _options = options;
        _serverPath = serverPath;
        Port = port;
        _clusterBusPort = options.ClusterEnabled ? FreePort.Find() : 0;
    }

    public int Port { get; }

    /// <summary>
    /// The URL clients use, e.g. redis://127.0.0.1:6390; with TLS, rediss:// with the authority and the client
    /// certificate the server requires.
    /// </summary>
    public string Url => _options.Tls is { } tls
        ? $"rediss://127.0.0.1:{Port}?ca={Uri.EscapeDataString(tls.CaFile)}&cert={Uri.EscapeDataString(tls.ClientCertificateFile)}&key={Uri.EscapeDataString(tls.ClientKeyFile)}"
        : $"redis://127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(RedisProcessOptions options, CancellationToken cancellationToken = default)
    {
        var serverPath = options.ServerPath ?? Executables.Find("redis-server")
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. Install it (Debian: apt-get install redis-server) or pass a Redis URL.");
        Directory.CreateDirectory(options.DataDirectory);
        return options.Port == 0
            ? await FreePort.StartOnFreePortAsync(port => StartAsync(options, serverPath, port, cancellationToken))
            : await StartAsync(options, serverPath, options.Port, cancellationToken);
    }

    private static async Task<RedisProcess> StartAsync(RedisProcessOptions options, string serverPath, int port, CancellationToken cancellationToken)
    {
        var redis = new RedisProcess(options, serverPath, port);
        await redis.StartChildAsync(cancellationToken);
        return redis;
    }

    private async Task StartChildAsync(CancellationToken cancellationToken)
    {
        _child = await ChildProcess.StartAsync("redis-server", _serverPath, Arguments(),
            "Ready to accept connections", TimeSpan.FromSeconds(30), cancellationToken);
        if (_options.ReplicaOfPort is null) return;
        try
        {
            await _child.WaitForOutputAsync("MASTER <-> REPLICA sync: Finished with success", TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await StopAsync(); // a replica that never synced is no use to the caller, who never gets it to dispose
            throw;
        }
    }

    private List<string> Arguments()
    {
        var port = Port.ToString(CultureInfo.InvariantCulture);
        List<string> arguments =
        [
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _options.DataDirectory, "--daemonize", "no",
            "--protected-mode", "yes", "--loglevel", "notice",
        ];
        if (_options.Tls is { } tls)
        {
            arguments.AddRange(["--port", "0", "--tls-port", port, "--tls-cert-file", tls.ServerCertificateFile, "--tls-key-file", tls.ServerKeyFile,
                "--tls-ca-cert-file", tls.CaFile, "--tls-auth-clients", "yes"]);
        }
        else
        {
            arguments.AddRange(["--port", port]);
        }
        if (_options.ReplicaOfPort is { } primary)
        {
            arguments.AddRange(["--replicaof", "127.0.0.1", primary.ToString(CultureInfo.InvariantCulture)]);
        }
        if (_options.ClusterEnabled)
        {
            // The bus port is chosen too: the default (port + 10000) may be taken or out of range.
            arguments.AddRange(["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000",
                "--cluster-port", _clusterBusPort.ToString(CultureInfo.InvariantCulture)]);
        }
        return arguments;
    }

    /// <summary>Stops the server (its data is gone: persistence is off) and starts it again on the same port.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartChildAsync(cancellationToken);
    }

    /// <summary>
    /// Asks the server to stop (SIGTERM) without waiting: a process about to exit calls this first, so the server
    /// stops even when the process is killed before a polite <see cref="StopAsync"/> ends.
    /// </summary>
    public void RequestStop()
    {
        if (_child is { HasExited: false } child) Signals.Send(child.Id, Signals.SigTerm);
    }

    /// <summary>
    /// A fault for tests: `SHUTDOWN NOSAVE`, waiting until the server is gone. Every key is lost (persistence is off);
    /// <see cref="StartAgainAsync"/> brings an empty server back on the same port.
    /// </summary>
    public async Task ShutdownNoSaveAsync()
    {
        if (_child is null) return;
        if (_options.Tls is not null) throw new NotSupportedException("SHUTDOWN NOSAVE is sent over plain TCP only.");
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync(System.Net.IPAddress.Loopback, Port);
            var command = "*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n"u8.ToArray();
            await client.GetStream().WriteAsync(command);
            // The server closes the connection as it exits (no reply on success).
            var buffer = new byte[256];
            try
            {
                while (await client.GetStream().ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        }
        await _child.StopAsync(_child.Id, Signals.SigKill, TimeSpan.FromSeconds(10));
        await _child.DisposeAsync();
        _child = null;
    }

    /// <summary>Starts the server again after a stop, on the same port (empty: persistence is off).</summary>
    public Task StartAgainAsync(CancellationToken cancellationToken = default) =>
        _child is null ? StartChildAsync(cancellationToken) : throw new InvalidOperationException("The server is running.");

    public async Task StopAsync()
    {
        if (_child is null) return;
        await _child.StopAsync(_child.Id, Signals.SigTerm, TimeSpan.FromSeconds(10));
        await _child.DisposeAsync();
        _child = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_options.Ephemeral && Directory.Exists(_options.DataDirectory)) Directory.Delete(_options.DataDirectory, recursive: true);
    }
}
