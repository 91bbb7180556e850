using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Worcr.LocalServices;

/// <summary>
/// `worcr serve` in a process of its own, configured through an appsettings.json in its working folder (the
/// one source that can set every NodeOptions field), so a test or `worcr bench chaos` can stop it with a real
/// SIGTERM or kill it with SIGKILL.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<Uri> _grpcAddress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private int _disposed;

    private NodeProcess(Process process) => _process = process;

    /// <summary>Completes with the node's gRPC address once it printed that it is listening.</summary>
    public Task<Uri> GrpcAddress => _grpcAddress.Task;

    /// <param name="cli">The CLI to run (<see cref="CliCommand.For"/> a worcr.dll or an executable).</param>
    /// <param name="workingDirectory">Where its appsettings.json is written.</param>
    /// <param name="settings">The "Worcr" section: NodeOptions fields by name (strings, numbers, booleans, string arrays).</param>
    public static NodeProcess Start(CliCommand cli, string workingDirectory, IReadOnlyDictionary<string, object> settings)
    {
        var appSettings = new Dictionary<string, IReadOnlyDictionary<string, object>> { ["Worcr"] = settings };
        File.WriteAllText(Path.Combine(workingDirectory, "appsettings.json"), JsonSerializer.Serialize(appSettings, NodeSettingsJsonContext.Default.DictionaryStringIReadOnlyDictionaryStringObject));
        var startInfo = cli.StartInfo("serve");
        startInfo.WorkingDirectory = workingDirectory;
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var node = new NodeProcess(new Process { StartInfo = startInfo });
        node._process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        node._process.Start();
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();
        return node;
    }

    /// <summary>Sends SIGTERM, as an orchestrator stopping the node does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>kill -9: the node gets no chance to release its workers' jobs or its leadership, as in a crash.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        var match = ListeningLine().Match(line);
        if (match.Success) _grpcAddress.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"gRPC (\S+)")]
    private static partial Regex ListeningLine();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
