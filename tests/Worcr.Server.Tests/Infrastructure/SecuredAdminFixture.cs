using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Infrastructure;

/// <summary>
/// One node with every admin credential set (admin and read-only passwords, operator key, worker token), shared
/// by the admin access tests of a class.
/// </summary>
public sealed class SecuredAdminFixture : IAsyncLifetime
{
    public const string AdminPassword = "admin-pass-4c1f";
    public const string ReadOnlyPassword = "viewer-pass-93ab";
    public const string ApiKey = "operator-key-77d0";
    public const string WorkerToken = "worker-token-1e2d";
    private TestCluster? _cluster;

    internal TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    internal Uri HttpAddress => Cluster.Nodes[0].HttpAddress;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(configure: Secure);

    /// <summary>Turns authentication on with this fixture's credentials.</summary>
    internal static void Secure(Server.Hosting.NodeOptions options)
    {
        options.AllowUnauthenticated = false;
        options.AdminPassword = AdminPassword;
        options.ReadOnlyPassword = ReadOnlyPassword;
        options.ApiKey = ApiKey;
        options.WorkerToken = WorkerToken;
    }

    /// <summary>A browser-like client signed in with that password (cookie kept, CSRF token known).</summary>
    internal async Task<SessionClient> SignInAsync(string password, int node = 0)
    {
        var client = new SessionClient(Cluster.Nodes[node].HttpAddress);
        using var response = await client.SignInAsync(password);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode}");
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
