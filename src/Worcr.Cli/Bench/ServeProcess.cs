using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>
/// `worcr serve` as a child process of the bench (the same worcr.dll), on free loopback ports, with no credentials
/// (`--insecure`): what an operator starts, measured from the outside. Stopped with SIGTERM, as a supervisor would.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServeProcess(Process process, Uri grpc, Uri http)
    {
        _process = process;
        GrpcAddress = grpc;
        HttpAddress = http;
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>CPU time the process has used so far (user + system, every thread).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The process's resident set size right now, in MB.</summary>
    public double ResidentMegabytes => ResidentMemory.OfProcess(_process.Id);

    /// <summary>Starts the process and returns at once (the clock of a start-up measurement runs from here).</summary>
    /// <param name="cli">The worcr.dll or executable to run (another tree's build, a Native AOT one, to compare); this one when null.</param>
    public static ServeProcess Start(string postgresUrl, string redisUrl, string schema, string? cli = null)
    {
        var grpcPort = FreePort();
        var httpPort = FreePort();
        var startInfo = (cli is null ? CliCommand.Current() : CliCommand.For(cli)).StartInfo("serve", "--schema", schema, "--insecure",
            "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture), "--http-port", httpPort.ToString(CultureInfo.InvariantCulture));
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardInput = true;
        // Connection strings travel in the environment, not on the command line where `ps` would show a password.
        startInfo.Environment["WORCR_POSTGRES"] = postgresUrl;
        startInfo.Environment["WORCR_REDIS"] = redisUrl;
        var process = new Process { StartInfo = startInfo };
        process.Start();
        // Its log lines are not read, only drained, so a full pipe never blocks the node.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return new ServeProcess(process, new Uri($"http://127.0.0.1:{grpcPort}"), new Uri($"http://127.0.0.1:{httpPort}"));
    }

    /// <summary>A port free right now (the OS picks it); the node binds it a moment later.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGTERM (the node drains and stops), then SIGKILL if it is still there after 20 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}
