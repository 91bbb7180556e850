using System.Diagnostics;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>Finds node and npm, and installs an example's packages when its node_modules is missing (a fresh clone).</summary>
internal static class NodeJs
{
    public static string? Executable { get; } = FindOnPath("node");

    public static string NodeWorkerDirectory => Path.Combine(RepositoryPaths.Root, "examples", "node-worker");

    public static async Task EnsurePackagesAsync(string directory)
    {
        if (Directory.Exists(Path.Combine(directory, "node_modules"))) return;
        var npm = FindOnPath("npm") ?? throw new InvalidOperationException($"{directory}/node_modules is missing and npm is not on PATH to install it.");
        var startInfo = new ProcessStartInfo(npm) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund" }) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        if (process.ExitCode != 0) throw new InvalidOperationException($"npm ci in {directory} failed ({process.ExitCode}):\n{await output}\n{await errors}");
    }

    /// <summary>Runs a script with node in <paramref name="directory"/>; returns its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string directory, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("node is not on PATH."))
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output + await errors);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
