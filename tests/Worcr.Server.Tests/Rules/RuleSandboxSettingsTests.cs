using System.Net;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Rules;

/// <summary>A node's rule budgets come from its settings (RuleSandboxOptions), not only from the sandbox's defaults.</summary>
public sealed class RuleSandboxSettingsTests
{
    /// <summary>5,000 statements at load: well inside the default budget (1,000,000), over the node's 1,000.</summary>
    private const string BusyTopLevel = "let n = 0; for (let i = 0; i < 5000; i++) { n += i; }\nfunction weight(job, worker) { return 1; }";

    [Fact]
    public async Task A_node_compiles_rules_under_the_budgets_it_was_given()
    {
        await using var cluster = await TestCluster.StartAsync(configure: options => options.JsStatementBudget = 1_000);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        using var response = await admin.PostAsync("/api/rules/validate", new { name = "busy", kind = "weight", language = "js", code = BusyTopLevel });
        var body = await AdminClient.ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("statement budget of 1000", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
