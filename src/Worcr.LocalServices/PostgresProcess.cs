using System.Diagnostics;
using System.Globalization;

namespace Worcr.LocalServices;

/// <summary>
/// A PostgreSQL server run as a child process on 127.0.0.1, with trust authentication for loopback only
/// (it is for one machine's development and tests). As root, it runs as an unprivileged system user.
/// </summary>
public sealed class PostgresProcess : IAsyncDisposable
{
    private readonly PostgresProcessOptions _options;
    private ChildProcess? _child;

    private PostgresProcess(PostgresProcessOptions options, int port)
    {
        _options = options;
        Port = port;
    }

    public int Port { get; }

    /// <summary>An Npgsql connection string for the Worcr database.</summary>
    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username={_options.Database};Database={_options.Database}";

    /// <summary>A postgres:// URL for the Worcr database.</summary>
    public string Url => $"postgres://{_options.Database}@127.0.0.1:{Port}/{_options.Database}";

    public static async Task<PostgresProcess> StartAsync(PostgresProcessOptions options, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(options.BinDirectory, "postgres")))
        {
            throw new InvalidOperationException(
                $"PostgreSQL binaries were not found in {options.BinDirectory}. Install them (Debian: apt-get install postgresql-15) or pass a PostgreSQL URL.");
        }
        return options.Port == 0
            ? await FreePort.StartOnFreePortAsync(port => StartAsync(options, port, cancellationToken))
            : await StartAsync(options, options.Port, cancellationToken);
    }

    private static async Task<PostgresProcess> StartAsync(PostgresProcessOptions options, int port, CancellationToken cancellationToken)
    {
        var postgres = new PostgresProcess(options, port);
        await postgres.InitialiseAsync(cancellationToken);
        await postgres.StartChildAsync(cancellationToken);
        await postgres.CreateDatabaseAsync(cancellationToken);
        return postgres;
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = _options.DataDirectory;
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION"))) return;
        Directory.CreateDirectory(dataDirectory);
        if (Signals.RunningAsRoot)
        {
            await SystemUser.EnsureAsync(_options.SystemUser, cancellationToken);
            await ProgramRun.RunAsync("chown", ["-R", $"{_options.SystemUser}:", dataDirectory], cancellationToken);
        }
        await RunAsServerUserAsync(Path.Combine(_options.BinDirectory, "initdb"),
            ["-D", dataDirectory, "-U", _options.Database, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
            cancellationToken);
    }

    private async Task StartChildAsync(CancellationToken cancellationToken)
    {
        var durable = _options.Durable ? "on" : "off";
        var settings = new List<string>
        {
            "-D", _options.DataDirectory,
            "-c", "listen_addresses=127.0.0.1",
            "-c", $"port={Port.ToString(CultureInfo.InvariantCulture)}",
            "-c", "unix_socket_directories=",
            "-c", $"max_connections={_options.MaxConnections.ToString(CultureInfo.InvariantCulture)}",
            "-c", $"fsync={durable}",
            "-c", $"synchronous_commit={(_options.Durable || _options.CrashSafe ? "on" : "off")}",
            "-c", $"full_page_writes={durable}",
            // Tests provoke errors on purpose (bad input, killed connections); keep them out of the log.
            "-c", "log_min_error_statement=panic",
        };
        var (fileName, arguments) = AsServerUser(Path.Combine(_options.BinDirectory, "postgres"), settings);
        _child = await ChildProcess.StartAsync("postgres", fileName, arguments,
            "database system is ready to accept connections", TimeSpan.FromSeconds(60), cancellationToken);
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var result = await ProgramRun.TryRunAsync(Path.Combine(_options.BinDirectory, "createdb"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", _options.Database, _options.Database],
            cancellationToken);
        if (result.ExitCode != 0 && !result.Output.Contains("already exists", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"createdb failed: {result.Output}");
        }
    }

    /// <summary>Stops the server and starts it again with the same data and port (to test reconnection).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartChildAsync(cancellationToken);
    }

    /// <summary>Fast shutdown: running transactions are rolled back, committed data is kept.</summary>
    public async Task StopAsync()
    {
        if (_child is null) return;
        var serverPid = ReadServerPid() ?? _child.Id;
        await _child.StopAsync(serverPid, Signals.SigInt, TimeSpan.FromSeconds(20));
        await _child.DisposeAsync();
        _child = null;
    }

    /// <summary>
    /// A fault for tests: immediate shutdown (what `pg_ctl stop -m immediate` sends, SIGQUIT), waiting until the server
    /// is gone. Every connection drops at once and nothing is checkpointed; the next start runs crash recovery.
    /// </summary>
    public Task StopImmediatelyAsync() => StopWithAsync(Signals.SigQuit);

    /// <summary>A fault for tests: kill -9 of the postmaster, as a crash would; the next start runs crash recovery.</summary>
    public Task KillAsync() => StopWithAsync(Signals.SigKill);

    /// <summary>
    /// A fault: terminates (pg_terminate_backend) every connection whose last statement was a LISTEN on the
    /// channels of <paramref name="schema"/>, the nodes' notification listeners. Returns how many were terminated.
    /// </summary>
    public async Task<int> TerminateListenersAsync(string schema, CancellationToken cancellationToken = default)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("""
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE pid <> pg_backend_pid() AND query LIKE 'LISTEN "' || @schema || '%'
            """, connection);
        command.Parameters.AddWithValue("schema", schema);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Starts the server again after a stop, with the same data directory and port.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        if (_child is not null) throw new InvalidOperationException("The server is running.");
        // After a kill -9, backends of the old server may still hold the shared memory for a moment; the start waits
        // for them (the postmaster refuses while they live), so retry until it is ready or the attempts run out.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartChildAsync(cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    private async Task StopWithAsync(int signal)
    {
        if (_child is null) return;
        var serverPid = ReadServerPid() ?? _child.Id;
        await _child.StopAsync(serverPid, signal, TimeSpan.FromSeconds(20));
        await _child.DisposeAsync();
        _child = null;
    }

    /// <summary>
    /// Immediate shutdown (SIGQUIT): one signal, no waiting, no checkpoint. For a process that is about to end and
    /// may not live long enough for <see cref="StopAsync"/>; only for data that need not survive (ephemeral servers).
    /// </summary>
    public void RequestImmediateStop()
    {
        if (_child is not null && ReadServerPid() is { } serverPid) Signals.Send(serverPid, Signals.SigQuit);
    }

    private int? ReadServerPid()
    {
        var pidFile = Path.Combine(_options.DataDirectory, "postmaster.pid");
        try
        {
            var firstLine = File.ReadLines(pidFile).FirstOrDefault();
            return int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_options.Ephemeral && Directory.Exists(_options.DataDirectory)) Directory.Delete(_options.DataDirectory, recursive: true);
    }

    private (string FileName, List<string> Arguments) AsServerUser(string program, IEnumerable<string> arguments)
    {
        if (!Signals.RunningAsRoot) return (program, arguments.ToList());
        var wrapped = new List<string> { "-u", _options.SystemUser, "--", program };
        wrapped.AddRange(arguments);
        return ("runuser", wrapped);
    }

    private async Task RunAsServerUserAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (fileName, wrapped) = AsServerUser(program, arguments);
        await ProgramRun.RunAsync(fileName, wrapped, cancellationToken);
    }
}
