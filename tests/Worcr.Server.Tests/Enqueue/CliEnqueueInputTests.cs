using System.Diagnostics;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Enqueue;

/// <summary>`worcr enqueue` runs the node's checks on its flags first: a bad value is named by its flag, and nothing is sent.</summary>
public sealed class CliEnqueueInputTests
{
    [Theory]
    [InlineData("--tenant", "acme corp")]
    [InlineData("--tags", "ok,not ok")]
    [InlineData("--args", "{\"n\": 1e400}")]
    [InlineData("--args", "{\"s\": \"\\u0000\"}")]
    [InlineData("--weight", "-1")]
    public async Task A_bad_flag_is_named_and_nothing_is_sent(string flag, string value)
    {
        // Nothing listens on port 1: had the command sent anything, it would say it cannot reach the node.
        var (exitCode, error) = await RunAsync("enqueue", "--type", "test.echo", "--server", "http://127.0.0.1:1", flag, value);

        Assert.Equal(2, exitCode);
        Assert.Contains(flag == "--weight" ? "job.weight" : flag, error, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(RepositoryPaths.CliAssembly);
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await error);
    }
}
