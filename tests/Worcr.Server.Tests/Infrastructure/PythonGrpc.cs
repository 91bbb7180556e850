using System.Diagnostics;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// Debian's Python with grpcio (the C-core gRPC stack), protobuf and grpc_tools, which the Python example worker
/// needs. Always /usr/bin/python3: another Python on PATH would not see Debian's packages.
/// </summary>
internal static class PythonGrpc
{
    public const string Executable = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(FindMissing);

    public static string WorkerScript => Path.Combine(RepositoryPaths.Root, "examples", "python-worker", "worker.py");

    /// <summary>Why the Python worker cannot run here, or null when it can.</summary>
    public static string? MissingReason => Missing.Value;

    private static string? FindMissing()
    {
        const string install = "install python3-grpcio python3-protobuf python3-grpc-tools (Debian; `./worcr test` does it when run as root)";
        if (!File.Exists(Executable)) return $"{Executable} is missing: {install}.";
        var startInfo = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", "import grpc, google.protobuf, grpc_tools.protoc" }) startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{Executable} cannot import grpc, protobuf or grpc_tools ({errors.Trim().Split('\n')[^1]}): {install}.";
    }
}
