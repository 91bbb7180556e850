using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>A cron expression PostgreSQL cannot store: 400 naming 'expression', and no schedule is saved.</summary>
public sealed class CronExpressionEdgeTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public CronExpressionEdgeTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Theory]
    // The parser stops at a NUL, so these parsed as "0 2 * * *", and PostgreSQL refused them: a 500.
    [InlineData("0 2 * * *\u0000")]
    [InlineData("0 2 * * *\u0000 and anything")]
    public async Task An_expression_with_a_nul_gets_400_naming_it_and_is_not_saved(string expression)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        var name = $"edge-{Guid.NewGuid():N}"[..20];

        using var saved = await admin.PutAsync($"/api/cron/{name}", new { expression, job = new { type = "test.echo", tenant = "acme" } });
        var error = await saved.Content.ReadAsStringAsync();
        using var stored = await admin.GetAsync($"/api/cron/{name}");

        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        Assert.Contains("'expression'", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }
}
