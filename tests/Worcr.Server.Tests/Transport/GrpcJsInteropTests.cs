using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Transport;

/// <summary>tests/interop/grpc-js/interop.js (@grpc/grpc-js, an independent gRPC stack) against a real node.</summary>
public sealed class GrpcJsInteropTests
{
    private static string InteropDirectory => Path.Combine(RepositoryPaths.Root, "tests", "interop", "grpc-js");

    [NodeJsFact]
    public async Task Grpc_js_passes_every_interop_check_against_the_node()
    {
        await NodeJs.EnsurePackagesAsync(InteropDirectory);
        await using var cluster = await TestCluster.StartAsync();

        var (exitCode, output) = await NodeJs.RunAsync(InteropDirectory, "interop.js", cluster.Nodes[0].GrpcAddress.ToString());

        Assert.True(exitCode == 0, $"interop.js exited with {exitCode}:\n{output}");
        Assert.Contains("8 passed, 0 failed", output, StringComparison.Ordinal);
        await NodeProbe.AssertStillServesAsync(cluster.Client());
    }
}
