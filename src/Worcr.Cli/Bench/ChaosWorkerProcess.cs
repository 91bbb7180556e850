using System.Diagnostics;
using System.Globalization;
using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>
/// A `worcr chaos-worker` child process of the bench, writing its attempts to an events file the bench reads at the
/// end. <see cref="Kill"/> is the worker fault (SIGKILL: no Goodbye, its connection reset by the kernel).
/// </summary>
internal sealed class ChaosWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChaosWorkerProcess(Process process, string eventsPath)
    {
        _process = process;
        EventsPath = eventsPath;
    }

    public string EventsPath { get; }

    /// <summary>When it was killed (unix ms): its attempts that never recorded their end ended then.</summary>
    public double? KilledAtMs { get; private set; }

    /// <summary>Completes when the worker is connected to its node; faults if it exits first.</summary>
    public Task Ready => _ready.Task;

    public static ChaosWorkerProcess Start(Uri server, Uri otherServer, string workerId, int concurrency, int prefetch, int steps, TimeSpan stepTime, string directory)
    {
        var eventsPath = Path.Combine(directory, workerId + ".events");
        string[] arguments =
        [
            "chaos-worker", "--server", server.ToString(), "--other-server", otherServer.ToString(), "--id", workerId,
            "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture), "--prefetch", prefetch.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--step-ms", stepTime.TotalMilliseconds.ToString(CultureInfo.InvariantCulture), "--events", eventsPath,
        ];
        var startInfo = CliCommand.Current().StartInfo(arguments);
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var worker = new ChaosWorkerProcess(process, eventsPath);
        process.OutputDataReceived += (_, line) => { if (line.Data?.Trim() == BenchWorkerHost.ReadyLine) worker._ready.TrySetResult(); };
        process.Exited += (_, _) =>
        {
            worker._ready.TrySetException(new InvalidOperationException($"The chaos worker {workerId} exited before it connected; see stderr."));
            worker._exited.TrySetResult();
        };
        process.Start();
        process.BeginOutputReadLine();
        return worker;
    }

    /// <summary>kill -9, mid-job under load.</summary>
    public void Kill()
    {
        KilledAtMs = BenchClock.NowMs();
        _process.Kill(entireProcessTree: true);
    }

    /// <summary>Asks the worker to leave (<see cref="BenchWorkerProcess.LeaveAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        await BenchWorkerProcess.LeaveAsync(_process, _exited.Task);
        _process.Dispose();
    }
}
