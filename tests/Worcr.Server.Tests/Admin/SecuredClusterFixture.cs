namespace Worcr.Server.Tests.Admin;

/// <summary>One secured node shared by a test class; tests keep apart by using tenants of their own.</summary>
public sealed class SecuredClusterFixture : IAsyncLifetime
{
    private SecuredCluster? _cluster;

    internal SecuredCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _cluster = await SecuredCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
