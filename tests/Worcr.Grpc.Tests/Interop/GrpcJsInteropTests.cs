using Worcr.Grpc.Tests.Functional;
using Worcr.Grpc.Tests.Infrastructure;

namespace Worcr.Grpc.Tests.Interop;

/// <summary>Runs tests/interop/grpc-js/interop.js (@grpc/grpc-js) against the in-process test server.</summary>
public sealed class GrpcJsInteropTests(GrpcTestServer server) : FunctionalTest(server)
{
    [NodeFact]
    public async Task Grpc_js_client_passes_every_interop_check()
    {
        var folder = FindInteropFolder();
        await EnsurePackagesInstalledAsync(folder);

        var (exitCode, output) = await NodeTool.RunAsync(
            NodeTool.NodePath!, $"interop.js {Server.Address}", folder, TimeSpan.FromMinutes(2));

        Assert.True(exitCode == 0, $"interop.js exited with {exitCode}:\n{output}");
        Assert.Contains("0 failed", output);
        await AssertStillServesAsync();
    }

    private static async Task EnsurePackagesInstalledAsync(string folder)
    {
        if (Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")))
        {
            return;
        }

        var command = File.Exists(Path.Combine(folder, "package-lock.json")) ? "ci" : "install";
        var (exitCode, output) = await NodeTool.RunAsync(
            NodeTool.NpmPath!, $"{command} --no-audit --no-fund", folder, TimeSpan.FromMinutes(5));
        Assert.True(exitCode == 0, $"npm {command} failed with {exitCode}:\n{output}");
    }

    private static string FindInteropFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "grpc-js");
            if (File.Exists(Path.Combine(candidate, "interop.js")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"tests/interop/grpc-js not found above {AppContext.BaseDirectory}.");
    }
}
