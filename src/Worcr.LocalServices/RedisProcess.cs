namespace Worcr.LocalServices;

/// <summary>A redis-server child process on 127.0.0.1 with persistence off (it holds only ephemeral state).</summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly RedisProcessOptions _options;
    private readonly string _serverPath;
    private ChildProcess? _child;

    private RedisProcess(RedisProcessOptions options, string serverPath, int port)
    {
        _options = options;
        _serverPath = serverPath;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The URL clients use, e.g. redis://127.0.0.1:6390.</summary>
    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisProcess> StartAsync(RedisProcessOptions options, CancellationToken cancellationToken = default)
    {
        var serverPath = options.ServerPath ?? Executables.Find("redis-server")
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. Install it (Debian: apt-get install redis-server) or pass a Redis URL.");
        Directory.CreateDirectory(options.DataDirectory);
        var redis = new RedisProcess(options, serverPath, options.Port == 0 ? FreePort.Find() : options.Port);
        await redis.StartChildAsync(cancellationToken);
        return redis;
    }

    private async Task StartChildAsync(CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", _options.DataDirectory, "--daemonize", "no",
            "--protected-mode", "yes", "--loglevel", "notice",
        ];
        _child = await ChildProcess.StartAsync("redis-server", _serverPath, arguments,
            "Ready to accept connections", TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>Stops the server (its data is gone: persistence is off) and starts it again on the same port.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartChildAsync(cancellationToken);
    }

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
