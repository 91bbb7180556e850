using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
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
}
