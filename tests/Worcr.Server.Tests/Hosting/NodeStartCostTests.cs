using System.Reflection;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Hosting;

/// <summary>What a node does not do while it starts, because it costs start-up time for nothing.</summary>
public sealed class NodeStartCostTests
{
    /// <summary>
    /// The host's default configuration would watch appsettings.json for changes, and on Linux that watch adds an
    /// inotify watch for every folder under the working directory (seconds of CPU in a big one). The node reads its
    /// settings once, so nothing may watch.
    /// </summary>
    [Fact]
    public async Task The_host_configuration_watches_no_file_for_changes()
    {
        await using var cluster = await TestCluster.StartAsync();

        var configuration = (IConfigurationRoot)cluster.Nodes[0].Services.GetRequiredService<IConfiguration>();
        var fileSources = configuration.Providers.OfType<FileConfigurationProvider>().Select(provider => provider.Source).ToList();

        Assert.NotEmpty(fileSources); // the host still reads appsettings.json, only without watching it
        Assert.All(fileSources, source => Assert.False(source.ReloadOnChange, $"{source.Path} is watched for changes"));
    }

    /// <summary>
    /// The minimal-API endpoints (the admin API, /healthz) run request handlers generated at compile time
    /// (EnableRequestDelegateGenerator in the project files), which ReadyToRun precompiles. Built at run time instead,
    /// each would be an expression tree compiled on the node's first request: CPU before the first answer, and code
    /// in memory for the node's life. An endpoint the generator cannot handle fails the build; this test fails if the
    /// generator is turned off.
    /// </summary>
    [Fact]
    public async Task Every_minimal_API_endpoint_runs_a_handler_generated_at_compile_time()
    {
        await using var cluster = await TestCluster.StartAsync();

        var handlers = cluster.Nodes[0].Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => endpoint.Metadata.GetMetadata<MethodInfo>() is not null).ToList();

        Assert.Contains(handlers, endpoint => endpoint.RoutePattern.RawText == "/healthz");
        Assert.Contains(handlers, endpoint => endpoint.RoutePattern.RawText == "/api/rules");
        Assert.All(handlers, endpoint => Assert.True(
            endpoint.RequestDelegate?.Method.DeclaringType?.Namespace == "Microsoft.AspNetCore.Http.Generated",
            $"{endpoint.DisplayName} runs {endpoint.RequestDelegate?.Method.DeclaringType?.FullName ?? "a delegate built at run time"}"));
    }

    /// <summary>
    /// Grpc.AspNetCore uses an interceptor the container holds as it is; for one it does not hold, it builds a new
    /// instance on every call through a factory compiled from an expression tree, which loads System.Linq.Expressions
    /// and JIT-compiles the factory (about 2.5 MB of RSS) besides the allocations per call.
    /// </summary>
    [Fact]
    public async Task Every_grpc_interceptor_is_a_service_of_the_node()
    {
        await using var cluster = await TestCluster.StartAsync();
        var services = cluster.Nodes[0].Services;

        var interceptors = services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value.Interceptors;

        Assert.NotEmpty(interceptors);
        Assert.All(interceptors, interceptor => Assert.True(services.GetService(interceptor.Type) is not null,
            $"{interceptor.Type.Name} is not registered: it would be built per call by an expression-tree factory"));
    }
}
