using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>PUT /api/webhooks/{name} with a URL PostgreSQL cannot store or no server would take: 400 naming 'url', nothing saved.</summary>
public sealed class WebhookInputEdgeTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public WebhookInputEdgeTests(SecuredAdminFixture fixture) => _fixture = fixture;

    public static TheoryData<string> UnstorableUrls => new()
    {
        // System.Uri takes a NUL in the path and its ToString() gives it back: PostgreSQL refused it, a 500.
        "https://hooks.example.com/a\u0000b",
        // A megabyte of URL was saved, and sent in the request line of every delivery.
        "https://hooks.example.com/" + new string('a', 1_000_000),
    };

    [Theory]
    [MemberData(nameof(UnstorableUrls))]
    public async Task A_url_that_cannot_be_stored_or_sent_gets_400_naming_it_and_nothing_is_saved(string url)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        var name = $"edge-{Guid.NewGuid():N}"[..20];

        using var response = await admin.PutAsync($"/api/webhooks/{name}", new { url, secret = "s3cret", events = new[] { "job.dead" } });
        var error = await response.Content.ReadAsStringAsync();
        using var stored = await admin.GetAsync($"/api/webhooks/{name}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'url'", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task A_url_of_the_longest_allowed_length_is_saved()
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        var url = "https://hooks.example.com/";
        url += new string('a', 8_000 - url.Length); // the 8,000 characters docs/security.md gives

        using var response = await admin.PutAsync("/api/webhooks/edge-longest", new { url, secret = "s3cret", events = new[] { "job.dead" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(url, (await AdminClient.ReadAsync(response)).GetProperty("url").GetString());
    }
}
