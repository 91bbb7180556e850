using System.Diagnostics;

namespace Worcr.LocalServices;

/// <summary>
/// A server started as a child process whose output is watched for the line that says it is ready.
/// Waiting on that line is a signal, not a guess about how long start-up takes.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>How many lines <see cref="WaitForOutputAsync"/> looks back.</summary>
    private const int HistoryLines = 10_000;

    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastLines = new();
    private readonly List<string> _history = [];
    private readonly List<(string Marker, TaskCompletionSource Seen)> _watches = [];
    private readonly string _readyMarker;
    private readonly string _name;

    private ChildProcess(string name, ProcessStartInfo startInfo, string readyMarker)
    {
        _name = name;
        _readyMarker = readyMarker;
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException(
            $"{_name} exited with code {_process.ExitCode} before it was ready. Its last output:\n{LastOutput()}"));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<ChildProcess> StartAsync(string name, string fileName, IEnumerable<string> arguments,
        string readyMarker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        var child = new ChildProcess(name, startInfo, readyMarker);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        try
        {
            await child._ready.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            await child.DisposeAsync();
            throw new TimeoutException($"{name} was not ready within {timeout.TotalSeconds:0} s. Its last output:\n{child.LastOutput()}");
        }
        return child;
    }

    /// <summary>
    /// Completes when the process has printed (since it started, up to the last <see cref="HistoryLines"/> lines)
    /// or prints a line containing <paramref name="marker"/>: a server's log line is the signal that something
    /// happened inside it (a replica synced, a Sentinel switched primaries).
    /// </summary>
    public Task WaitForOutputAsync(string marker, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lastLines)
        {
            if (_history.Any(line => line.Contains(marker, StringComparison.Ordinal))) return Task.CompletedTask;
            _watches.Add((marker, seen));
        }
        return WaitAsync(seen.Task, marker, timeout, cancellationToken);
    }

    private async Task WaitAsync(Task seen, string marker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await seen.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{_name} did not print '{marker}' within {timeout.TotalSeconds:0} s. Its last output:\n{LastOutput()}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 40) _lastLines.Dequeue();
            _history.Add(line);
            if (_history.Count > HistoryLines) _history.RemoveRange(0, _history.Count - HistoryLines);
            foreach (var watch in _watches.Where(watch => line.Contains(watch.Marker, StringComparison.Ordinal)).ToArray())
            {
                watch.Seen.TrySetResult();
                _watches.Remove(watch);
            }
        }
        if (line.Contains(_readyMarker, StringComparison.Ordinal)) _ready.TrySetResult();
    }

    private string LastOutput()
    {
        lock (_lastLines) return string.Join('\n', _lastLines);
    }

    /// <summary>Asks the process to stop with <paramref name="signal"/> and waits; kills it if it does not stop in time.</summary>
    public async Task StopAsync(int signalPid, int signal, TimeSpan grace)
    {
        if (_process.HasExited) return;
        Signals.Send(signalPid, signal);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
