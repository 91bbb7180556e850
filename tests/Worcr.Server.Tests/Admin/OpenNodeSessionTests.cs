using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>A node started insecure (--insecure) lets everyone in as admin, and says so.</summary>
public sealed class OpenNodeSessionTests
{
    [Fact]
    public async Task Insecure_node_reports_the_admin_role_with_an_empty_token_and_accepts_changes_without_one()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var client = new SessionClient(cluster.Nodes[0].HttpAddress);

        var session = await AdminClient.ReadAsync(await client.SendAsync(HttpMethod.Get, "/api/session"));
        using var save = await client.SendAsync(HttpMethod.Put, "/api/plans/open-plan", """{"weight": 2}""");

        Assert.Equal("admin", session.GetProperty("role").GetString());
        Assert.Equal("", session.GetProperty("csrf_token").GetString());
        Assert.Equal(HttpStatusCode.OK, save.StatusCode);
    }
}
