using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>/api/tenants and /api/plans: settings, effective shares, load, and clear 400s for bad input.</summary>
public sealed class TenantAdminTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public TenantAdminTests(SecuredAdminFixture fixture) => _fixture = fixture;

    private AdminClient Operator() => new(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);

    private static async Task<JsonElement?> FindTenantAsync(AdminClient admin, string name)
    {
        foreach (var tenant in (await admin.GetJsonAsync("/api/tenants")).GetProperty("tenants").EnumerateArray())
        {
            if (tenant.GetProperty("name").GetString() == name) return tenant;
        }
        return null;
    }

    [Fact]
    public async Task Plans_and_tenants_are_saved_listed_with_their_share_and_deleted()
    {
        using var admin = Operator();

        using var plan = await admin.PutAsync("/api/plans/gold-a", new { weight = 3 });
        using var onPlan = await admin.PutAsync("/api/tenants/acme-a", new { plan = "gold-a" });
        using var ownWeight = await admin.PutAsync("/api/tenants/beta-a", new { plan = "gold-a", weight = 0.5 });
        var listing = await admin.GetJsonAsync("/api/tenants");

        Assert.Equal(HttpStatusCode.OK, plan.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onPlan.StatusCode);
        var saved = await AdminClient.ReadAsync(onPlan);
        Assert.Equal("gold-a", saved.GetProperty("plan").GetString());
        Assert.Equal(JsonValueKind.Null, saved.GetProperty("weight").ValueKind);
        Assert.Equal(3, saved.GetProperty("share").GetDouble());
        Assert.Equal(0.5, (await AdminClient.ReadAsync(ownWeight)).GetProperty("share").GetDouble());
        Assert.Contains(listing.GetProperty("plans").EnumerateArray(), p => p.GetProperty("name").GetString() == "gold-a" && p.GetProperty("weight").GetDouble() == 3);

        using var deletePlan = await admin.DeleteAsync("/api/plans/gold-a");
        var afterPlanGone = await FindTenantAsync(admin, "acme-a");
        using var deleteTenant = await admin.DeleteAsync("/api/tenants/acme-a");
        using var deleteAgain = await admin.DeleteAsync("/api/tenants/acme-a");

        Assert.Equal(HttpStatusCode.NoContent, deletePlan.StatusCode);
        Assert.Equal(JsonValueKind.Null, afterPlanGone!.Value.GetProperty("plan").ValueKind);
        Assert.Equal(1, afterPlanGone.Value.GetProperty("share").GetDouble());
        Assert.Equal(HttpStatusCode.NoContent, deleteTenant.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deleteAgain.StatusCode);
        Assert.Null(await FindTenantAsync(admin, "acme-a"));
    }

    [Fact]
    public async Task A_tenant_with_jobs_but_no_settings_is_listed_with_share_1_and_its_backlog()
    {
        using var admin = Operator();
        var client = _fixture.Cluster.Client(apiKey: SecuredAdminFixture.ApiKey);
        await client.EnqueueAsync("test.echo", "busy-b");
        await client.EnqueueAsync("test.echo", "busy-b");

        var tenant = await FindTenantAsync(admin, "busy-b");

        Assert.NotNull(tenant);
        Assert.Equal(1, tenant.Value.GetProperty("share").GetDouble());
        Assert.Equal(2, tenant.Value.GetProperty("waiting").GetInt64());
        Assert.Equal(0, tenant.Value.GetProperty("running").GetInt64());
        Assert.Equal(JsonValueKind.Null, tenant.Value.GetProperty("plan").ValueKind);
    }

    public static TheoryData<string, string, string> BadInputs => new()
    {
        { "/api/tenants/acme-c", """{"weight": 0}""", "weight" },
        { "/api/tenants/acme-c", """{"weight": -2}""", "weight" },
        { "/api/tenants/acme-c", """{"weight": "heavy"}""", "weight" },
        { "/api/tenants/acme-c", """{"plan": "no-such-plan"}""", "does not exist" },
        { "/api/tenants/bad%20name!", """{"weight": 1}""", "tenant" },
        { "/api/tenants/acme-c", """{"weight": 1""", "not valid JSON" },
        { "/api/plans/silver-c", """{}""", "weight" },
        { "/api/plans/silver-c", """{"weight": 1e9}""", "at most" },
        { "/api/tenants/acme-c", """{"weight": 1e-300}""", "Field 'weight' must be at least 0.000001 and at most 1000000" },
        { "/api/tenants/acme-c", """{"weight": 5e-324}""", "Field 'weight' must be at least 0.000001" },
        { "/api/plans/silver-c", """{"weight": 0.0000009}""", "Field 'weight' must be at least 0.000001" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_gets_400_naming_the_problem_and_stores_nothing(string path, string body, string expected)
    {
        using var admin = Operator();

        using var response = await admin.SendRawAsync(HttpMethod.Put, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await _fixture.Cluster.Database.Tenants.ListTenantsAsync(), t => t.Name == "acme-c");
        Assert.DoesNotContain(await _fixture.Cluster.Database.Tenants.ListPlansAsync(), p => p.Name == "silver-c");
    }

    [Fact]
    public async Task Weights_stored_outside_the_api_range_are_listed_with_the_share_the_dispatcher_uses()
    {
        using var admin = Operator();
        // PostgreSQL's check (weight > 0) lets these in when written by hand or before the API refused them;
        // 'NaN' and 'Infinity' are greater than every number for PostgreSQL.
        await using (var command = _fixture.Cluster.Database.DataSource.CreateCommand(
            $"""
            INSERT INTO "{_fixture.Cluster.Schema}".plans (name, weight) VALUES ('nan-plan-e', 'NaN');
            INSERT INTO "{_fixture.Cluster.Schema}".tenants (name, plan, weight) VALUES
                ('tiny-e', NULL, 1e-300), ('huge-e', NULL, 'Infinity'), ('not-a-number-e', NULL, 'NaN'), ('on-nan-plan-e', 'nan-plan-e', NULL)
            """))
        {
            await command.ExecuteNonQueryAsync();
        }

        using var response = await admin.GetAsync("/api/tenants");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var listing = await AdminClient.ReadAsync(response);
        var tenants = listing.GetProperty("tenants").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(0.000001, tenants["tiny-e"].GetProperty("share").GetDouble());
        Assert.Equal(0.000001, tenants["tiny-e"].GetProperty("weight").GetDouble());
        Assert.Equal(1, tenants["huge-e"].GetProperty("share").GetDouble());
        Assert.Equal(1, tenants["not-a-number-e"].GetProperty("share").GetDouble());
        Assert.Equal(1, tenants["on-nan-plan-e"].GetProperty("share").GetDouble());
        Assert.Equal(JsonValueKind.Null, tenants["on-nan-plan-e"].GetProperty("weight").ValueKind);
        Assert.Contains(listing.GetProperty("plans").EnumerateArray(), p => p.GetProperty("name").GetString() == "nan-plan-e" && p.GetProperty("weight").GetDouble() == 1);
    }

    [Fact]
    public async Task Deleting_an_unknown_plan_gets_404()
    {
        using var admin = Operator();

        using var response = await admin.DeleteAsync("/api/plans/never-made");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
