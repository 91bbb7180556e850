namespace Worcr.Server.Tests.Infrastructure;

/// <summary>One node with default settings, shared by the tests of a class that each leave it as they found it.</summary>
public sealed class SingleNodeFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
