using System.Net;
using System.Text;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>
/// A change a browser makes for another site is refused, whoever the caller: on a node started insecure any page the
/// developer opened could otherwise drive the admin API (a plain cross-site POST needs no preflight), and sign-in could
/// be used to spread password guesses over a page's visitors. The node's own pages and programs pass.
/// </summary>
public sealed class CrossSiteRequestTests : IClassFixture<SecuredAdminFixture>
{
    private const string RuleBody = """{"kind": "weight", "language": "lua", "code": "function weight(job, worker) return 1 end"}""";
    private readonly SecuredAdminFixture _fixture;

    public CrossSiteRequestTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task An_insecure_node_refuses_changes_sent_for_another_site_and_takes_its_own_pages_and_programs()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        var host = cluster.Nodes[0].HttpAddress.Authority;

        using var fetchedCrossSite = await PutRuleAsync(http, "from-evil-fetch", ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example"));
        using var oldBrowserCrossSite = await PutRuleAsync(http, "from-evil-origin", ("Origin", "https://evil.example"));
        using var sameSite = await PutRuleAsync(http, "from-sibling", ("Sec-Fetch-Site", "same-site"));
        using var ownPage = await PutRuleAsync(http, "from-own-page", ("Sec-Fetch-Site", "same-origin"), ("Origin", $"http://{host}"));
        using var oldBrowserOwnPage = await PutRuleAsync(http, "from-own-page-old", ("Origin", $"http://{host}"));
        using var program = await PutRuleAsync(http, "from-program");

        Assert.Equal(HttpStatusCode.Forbidden, fetchedCrossSite.StatusCode);
        Assert.Contains("cross-site request refused", (await AdminClient.ReadAsync(fetchedCrossSite)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, oldBrowserCrossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sameSite.StatusCode);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], [ownPage.StatusCode, oldBrowserOwnPage.StatusCode, program.StatusCode]);
        var saved = await http.GetStringAsync("/api/rules");
        Assert.All(new[] { "from-evil-fetch", "from-evil-origin", "from-sibling" }, refused => Assert.DoesNotContain($"\"{refused}\"", saved, StringComparison.Ordinal));
        Assert.Contains("\"from-program\"", saved, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_sent_for_another_site_is_refused_before_the_password_is_checked()
    {
        using var http = new HttpClient { BaseAddress = _fixture.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/session")
        {
            Content = new StringContent($$"""{"password": "{{SecuredAdminFixture.AdminPassword}}"}""", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private static Task<HttpResponseMessage> PutRuleAsync(HttpClient http, string name, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/rules/{name}") { Content = new StringContent(RuleBody, Encoding.UTF8, "application/json") };
        foreach (var (header, value) in headers) request.Headers.TryAddWithoutValidation(header, value);
        return http.SendAsync(request);
    }
}
