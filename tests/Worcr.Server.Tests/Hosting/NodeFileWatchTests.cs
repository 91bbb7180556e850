using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Hosting;

/// <summary>
/// The host's default configuration watches appsettings.json through a watcher on the whole working directory tree;
/// in a node started from a busy folder that watcher took a sixth of the node's CPU. The node watches no file.
/// </summary>
public sealed class NodeFileWatchTests
{
    [Fact]
    public async Task The_node_reloads_no_configuration_file_on_change()
    {
        await using var cluster = await TestCluster.StartAsync();
        var configuration = (IConfigurationRoot)cluster.Nodes[0].Services.GetRequiredService<IConfiguration>();

        var files = configuration.Providers.OfType<FileConfigurationProvider>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.False(file.Source.ReloadOnChange, $"{file.Source.Path} is watched for changes"));
    }
}
