using System.Diagnostics;

namespace Worcr.Grpc.Tests.Interop;

/// <summary>Finds node/npm on PATH and runs them, capturing output for assertion messages.</summary>
internal static class NodeTool
{
    public static string? NodePath { get; } = FindOnPath("node");

    public static string? NpmPath { get; } = FindOnPath("npm");

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string arguments, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {arguments}' did not finish within {timeout}: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A fact that is skipped, saying why, when node is not installed; everywhere else it must pass.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeTool.NodePath is null || NodeTool.NpmPath is null)
        {
            Skip = "node and npm are not on PATH: the grpc-js interop test needs Node.js (apt-get install nodejs npm).";
        }
    }
}
