using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>PUT /api/limits/{name} with values at and past the edges: each gets 400 naming its field, and nothing is saved.</summary>
public sealed class LimitInputEdgeTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public LimitInputEdgeTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Theory]
    // TimeSpan cannot hold 9,999,999,999,999 hours: the period's parse threw OverflowException, a 500.
    [InlineData("""{"kind": "fixed_window", "match": {"by": "key", "value": "k"}, "capacity": 5, "period": "9999999999999h", "mode": "rate"}""", "'period'")]
    [InlineData("""{"kind": "fixed_window", "match": {"by": "key", "value": "k"}, "capacity": 5, "period": "9223372036854775807ms", "mode": "rate"}""", "'period'")]
    // PostgreSQL text cannot hold a NUL: the value went to the database as it was, a 500.
    [InlineData("""{"kind": "concurrency", "match": {"by": "tenant", "value": "a\u0000b"}, "capacity": 5}""", "'match.value'")]
    public async Task A_value_past_its_edge_gets_400_naming_the_field_and_nothing_is_saved(string body, string field)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        var name = $"edge-{Guid.NewGuid():N}"[..20];

        using var response = await admin.SendRawAsync(HttpMethod.Put, $"/api/limits/{name}", body);
        var error = await response.Content.ReadAsStringAsync();
        var limits = await admin.GetJsonAsync("/api/limits");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, error, StringComparison.Ordinal);
        Assert.DoesNotContain(limits.GetProperty("limits").EnumerateArray(), l => l.GetProperty("name").GetString() == name);
    }
}
