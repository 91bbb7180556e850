using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>A rule saved through one node's admin API reaches every node (they reload on the store's NOTIFY).</summary>
public sealed class AdminRulesAcrossNodesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_rule_saved_on_node_a_shows_up_in_node_b_listing_and_explain()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        using var nodeA = new AdminClient(cluster.Nodes[0].HttpAddress);
        using var nodeB = new AdminClient(cluster.Nodes[1].HttpAddress);

        using var saved = await nodeA.PutAsync("/api/rules/spread-out", new
        {
            kind = "weight",
            language = "tag_match",
            tag_match = new { job_all = new[] { "spread" }, action = "multiply", factor = 5 },
        });
        var listed = await WaitForRuleAsync(nodeB, "spread-out");
        using var explained = await nodeB.PostAsync("/api/rules/explain", new { job = new { type = "test.echo", tags = new[] { "spread" } }, worker = new { tags = Array.Empty<string>() } });

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("database", listed.GetProperty("origin").GetString());
        Assert.Equal(5, (await AdminClient.ReadAsync(explained)).GetProperty("multiplier").GetDouble());
    }

    /// <summary>Polls node B's listing until the rule appears: the reload follows a NOTIFY the test cannot observe directly.</summary>
    private static async Task<JsonElement> WaitForRuleAsync(AdminClient admin, string name)
    {
        using var deadline = new CancellationTokenSource(Patience);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        JsonElement? rule;
        while ((rule = await admin.FindRuleAsync(name)) is null)
        {
            var ticked = await poll.WaitForNextTickAsync(deadline.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
            Assert.True(ticked, $"Rule '{name}' did not show up on the other node within {Patience.TotalSeconds} s.");
        }
        return rule.Value;
    }
}
