using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>Rule code PostgreSQL cannot store: 400 naming 'code', and no rule is saved.</summary>
public sealed class RuleCodeEdgeTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public RuleCodeEdgeTests(SecuredAdminFixture fixture) => _fixture = fixture;

    [Theory]
    // Both languages take a NUL in a comment or a string, so the code compiled, and PostgreSQL refused it: a 500.
    [InlineData("lua", "-- a\u0000b\nfunction weight(job, worker) return 1 end")]
    [InlineData("javascript", "// a\u0000b\nfunction weight(job, worker) { return 1; }")]
    public async Task Code_with_a_nul_gets_400_naming_the_field_and_is_not_saved(string language, string code)
    {
        using var admin = new AdminClient(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        var name = $"edge-{Guid.NewGuid():N}"[..20];

        using var saved = await admin.PutAsync($"/api/rules/{name}", new { kind = "weight", language, code });
        var error = await saved.Content.ReadAsStringAsync();
        using var validated = await admin.PostAsync("/api/rules/validate", new { name, kind = "weight", language, code });

        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        Assert.Contains("'code'", error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, validated.StatusCode);
        Assert.Null(await admin.FindRuleAsync(name));
    }
}
