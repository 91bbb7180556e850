namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// One node shared by the admin API tests of a class, with the repository's example rule files loaded. Tests
/// use rule names and tags of their own so the rules they save do not meet the others' jobs.
/// </summary>
public sealed class AdminNodeFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    internal AdminClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = Path.Combine(RepositoryPaths.Root, "rules"));
        Admin = new AdminClient(_cluster.Nodes[0].HttpAddress);
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
