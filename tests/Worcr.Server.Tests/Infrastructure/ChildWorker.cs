using System.Diagnostics;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>A worker in a process of its own, so a test can kill it the hard way (SIGKILL), as a crash would.</summary>
internal sealed class ChildWorker : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildWorker(Process process) => _process = process;

    /// <summary>Completes when the worker printed that the node welcomed it.</summary>
    public Task Connected => _connected.Task;

    public static ChildWorker Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string connectedMarker)
    {
        var startInfo = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment) startInfo.Environment[key] = value;
        var process = new Process { StartInfo = startInfo };
        var child = new ChildWorker(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, connectedMarker);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, connectedMarker);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string? line, string marker)
    {
        if (line is not null && line.Contains(marker, StringComparison.Ordinal)) _connected.TrySetResult();
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) =>
        _process.WaitForExitAsync().WaitAsync(timeout).ContinueWith(_ => _process.ExitCode, TaskScheduler.Default);

    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
