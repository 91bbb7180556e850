using System.Diagnostics;
using Worcr.LocalServices;

namespace Worcr.Cli.Bench;

/// <summary>
/// The bench worker as a child process of the bench (the same worcr.dll, command `bench-worker`), so worker and
/// node do not share a runtime, as in production. Its report goes to a temporary file read after it exits.
/// </summary>
internal sealed class BenchWorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _reportPath;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _handled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BenchWorkerProcess(Process process, string reportPath)
    {
        _process = process;
        _reportPath = reportPath;
    }

    /// <summary>Completes when the worker is connected to the node; faults if it exits first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when the worker's expected handlers have all returned, or when it exited.</summary>
    public Task Handled => _handled.Task;

    /// <summary>True once the worker said its expected handlers returned (<see cref="BenchWorkerHost.HandledLine"/>).</summary>
    public bool SaidHandled { get; private set; }

    /// <summary>
    /// Jobs the bench's worker holds ahead of each slot (<c>WorkerOptions.Prefetch</c> = this × concurrency): enough
    /// that the next job is already there when a handler returns while the node claims more (bench/README.md).
    /// </summary>
    public const int PrefetchPerSlot = 4;

    public static BenchWorkerProcess Start(Uri server, string workerToken, int concurrency, string jobType, int expect) =>
        Start(server, workerToken, concurrency, jobType, expect, tags: []);

    /// <param name="tags">The worker's tags (what weight rules see of it).</param>
    /// <param name="jobMs">How long each handler sleeps (0: a no-op).</param>
    /// <param name="floodUpdates">When positive, a flooding worker (<see cref="FloodWorker"/>) instead of a no-op one.</param>
    /// <param name="idleWorkers">When positive, that many idle workers (<see cref="IdleWorkers"/>) instead of a no-op one.</param>
    public static BenchWorkerProcess Start(Uri server, string workerToken, int concurrency, string jobType, int expect, IReadOnlyList<string> tags,
        double jobMs = 0, int floodUpdates = 0, int idleWorkers = 0)
    {
        var reportPath = Path.Combine(Path.GetTempPath(), $"worcr-bench-worker-{Guid.NewGuid():N}.txt");
        var startInfo = CliCommand.Current().StartInfo([.. Arguments(server, concurrency, jobType, expect, reportPath, tags), .. Extras(jobMs, floodUpdates, idleWorkers)]);
        startInfo.RedirectStandardInput = true;
        startInfo.RedirectStandardOutput = true;
        // The token travels in the environment, not on the command line where `ps` would show it.
        startInfo.Environment["WORCR_WORKER_TOKEN"] = workerToken;
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var worker = new BenchWorkerProcess(process, reportPath);
        process.OutputDataReceived += (_, line) => worker.OnOutput(line.Data);
        process.Exited += (_, _) => worker.OnExited();
        process.Start();
        process.BeginOutputReadLine();
        return worker;
    }

    /// <summary>Waits until the worker exits by itself (after the expected jobs) and returns its report.</summary>
    public async Task<WorkerReport> WaitForReportAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _exited.Task.WaitAsync(timeout, cancellationToken);
        if (_process.ExitCode != 0) throw new InvalidOperationException($"The bench worker exited with code {_process.ExitCode}; its diagnostics are on stderr above.");
        using var reader = new StreamReader(_reportPath);
        return WorkerReport.Parse(reader);
    }

    private static IEnumerable<string> Arguments(Uri server, int concurrency, string jobType, int expect, string reportPath, IReadOnlyList<string> tags) =>
    [
        "bench-worker",
        "--server", server.ToString(), "--concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--type", jobType, "--expect", expect.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--report", reportPath, "--stop-on-stdin-close",
        "--prefetch", Math.Min(PrefetchPerSlot * concurrency, Worker.WorkerOptions.MaxConcurrency - concurrency).ToString(System.Globalization.CultureInfo.InvariantCulture),
        .. tags.Count > 0 ? ["--tags", string.Join(',', tags)] : Array.Empty<string>(),
    ];

    private static IEnumerable<string> Extras(double jobMs, int floodUpdates, int idleWorkers)
    {
        if (idleWorkers > 0) yield return "--idle";
        if (idleWorkers > 0) yield return idleWorkers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (jobMs > 0) yield return "--job-ms";
        if (jobMs > 0) yield return jobMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (floodUpdates > 0) yield return "--flood";
        if (floodUpdates > 0) yield return floodUpdates.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private void OnOutput(string? line)
    {
        switch (line?.Trim())
        {
            case BenchWorkerHost.ReadyLine:
                _ready.TrySetResult();
                break;
            case BenchWorkerHost.HandledLine:
                SaidHandled = true;
                _handled.TrySetResult();
                break;
        }
    }

    private void OnExited()
    {
        _ready.TrySetException(new InvalidOperationException("The bench worker exited before it connected; its diagnostics are on stderr above."));
        _exited.TrySetResult();
        _handled.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await LeaveAsync(_process, _exited.Task);
        _process.Dispose();
        File.Delete(_reportPath);
    }

    /// <summary>Closing its stdin asks a worker process to leave; one that has not left within 15 s is killed.</summary>
    internal static async Task LeaveAsync(Process process, Task exited)
    {
        if (process.HasExited) return;
        process.StandardInput.Close();
        try
        {
            await exited.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
