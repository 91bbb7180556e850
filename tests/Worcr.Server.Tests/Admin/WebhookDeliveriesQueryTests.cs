using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>GET /api/webhooks/{name}/deliveries?limit=: a limit that is no number from 1 to 1,000 gets 400 naming it.</summary>
public sealed class WebhookDeliveriesQueryTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public WebhookDeliveriesQueryTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Theory]
    // Bound as an int by the framework, these got a 400 with an empty body, which said nothing about what was wrong.
    [InlineData("abc")]
    [InlineData("99999999999")]
    // Out of range, these were clamped to 1 and 1,000 without a word.
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1001")]
    public async Task A_limit_outside_1_to_1000_gets_400_naming_it(string limit)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        using var created = await admin.PutAsync("/api/webhooks/deliveries-query", new { url = "https://hooks.example.com/x", secret = "s3cret", events = new[] { "job.dead" } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        using var response = await admin.GetAsync($"/api/webhooks/deliveries-query/deliveries?limit={limit}");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'limit'", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000")]
    public async Task A_limit_at_its_edges_is_answered(string limit)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        using var created = await admin.PutAsync("/api/webhooks/deliveries-edge", new { url = "https://hooks.example.com/x", secret = "s3cret", events = new[] { "job.dead" } });
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);

        var page = await admin.GetJsonAsync($"/api/webhooks/deliveries-edge/deliveries?limit={limit}");

        Assert.Equal(0, page.GetProperty("deliveries").GetArrayLength());
    }
}
