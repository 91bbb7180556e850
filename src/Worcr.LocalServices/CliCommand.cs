using System.Diagnostics;
using System.Reflection;

namespace Worcr.LocalServices;

/// <summary>
/// How to start the worcr CLI as a child process: `dotnet worcr.dll` for an assembly, the file itself for an
/// executable (the apphost or a Native AOT build).
/// </summary>
public sealed record CliCommand(string FileName, IReadOnlyList<string> LeadingArguments)
{
    private const string AssemblyName = "worcr";

    /// <summary>The CLI at <paramref name="path"/>: a worcr.dll runs under the dotnet host, anything else runs as it is.</summary>
    public static CliCommand For(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new(DotnetHost(), [path]) : new(path, []);

    /// <summary>
    /// This process's own CLI: the executable it runs as when it is worcr itself (so a Native AOT build starts
    /// Native AOT children), otherwise the worcr.dll beside the running code (a test host, `dotnet worcr.dll`).
    /// </summary>
    public static CliCommand Current()
    {
        var process = Environment.ProcessPath;
        var isWorcr = Assembly.GetEntryAssembly()?.GetName().Name == AssemblyName;
        return isWorcr && process is not null && Path.GetFileNameWithoutExtension(process) != "dotnet"
            ? new(process, [])
            : new(DotnetHost(), [Path.Combine(AppContext.BaseDirectory, AssemblyName + ".dll")]);
    }

    /// <summary>A start description running the CLI with <paramref name="arguments"/> after the leading ones.</summary>
    public ProcessStartInfo StartInfo(params IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(FileName);
        foreach (var argument in LeadingArguments.Concat(arguments)) startInfo.ArgumentList.Add(argument);
        return startInfo;
    }

    /// <summary>The dotnet host running this process when there is one (a test host, `dotnet worcr.dll`), else "dotnet" from PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet";
    }
}
