using System.Net;
using System.Text.Json;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Dispatch;

/// <summary>
/// Rules from the hostile corpus (tests/Worcr.Scripting.Tests/HostileRules) sent to a real node: the admin API
/// answers with the rule's error, a stored hostile rule does not stop dispatch, and a node started with hostile
/// rules (stored or as files) comes up and dispatches. A call that does not answer at all fails the test.
/// </summary>
public sealed class HostileRuleServerTests
{
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(30);

    private static string Corpus(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "HostileRules", file));

    private static object Draft(string name, string file, string kind = "weight") => new
    {
        name,
        kind,
        language = file.EndsWith(".lua", StringComparison.Ordinal) ? "lua" : "javascript",
        code = Corpus(file),
    };

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call.WaitAsync(NoAnswer);
        return (response.StatusCode, await AdminClient.ReadAsync(response));
    }

    [Theory]
    [InlineData("toplevel-loop.lua", "exceeded its")]
    [InlineData("toplevel-rep-empty.lua", "exceeded its")]
    [InlineData("toplevel-loop.js", "exceeded its")]
    public async Task Validate_answers_a_rule_whose_top_level_never_ends_with_its_budget_error(string file, string expected)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var (status, body) = await ReadAsync(admin.PostAsync("/api/rules/validate", Draft("hostile-top", file)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("failed while loading", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains(expected, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_with_hostile_drafts_answers_with_each_rules_error_and_a_neutral_factor()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        foreach (var file in new[] { "c-rep-empty.lua", "c-table-move.lua", "loop-while.js", "recursion-to-string.js" })
        {
            var request = new { job = new { type = "test.echo", tenant = "acme", tags = Array.Empty<string>() }, worker = new { tags = Array.Empty<string>() }, draft = Draft("hostile-draft", file) };

            var (status, body) = await ReadAsync(admin.PostAsync("/api/rules/explain", request));

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(1, body.GetProperty("multiplier").GetDouble());
            Assert.Contains(body.GetProperty("errors").EnumerateArray(), error => error.GetString()!.StartsWith("rule 'hostile-draft'", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Stored_hostile_rules_neither_stop_dispatch_nor_a_node_that_starts_with_them()
    {
        using var files = new RuleFiles()
            .With("toplevel-loop.lua", Corpus("toplevel-loop.lua"))
            .With("recursion-value-of.js", Corpus("recursion-value-of.js"));
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = files.Path);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var (luaSaved, _) = await ReadAsync(admin.PutAsync("/api/rules/stored-rep", Draft("stored-rep", "c-rep-empty.lua")));
        var (jsSaved, _) = await ReadAsync(admin.PutAsync("/api/rules/stored-recursion", Draft("stored-recursion", "recursion-to-primitive.js")));

        await RunOneJobAsync(cluster, node: 0);
        await cluster.AddNodeAsync(o => o.RulesDirectory = files.Path); // a node (re)starting with the stored rules
        using var restarted = new AdminClient(cluster.Nodes[1].HttpAddress);
        var (status, explained) = await ReadAsync(restarted.PostAsync("/api/rules/explain", new { job = new { type = "test.echo", tenant = "acme", tags = Array.Empty<string>() }, worker = new { tags = Array.Empty<string>() } }));
        await RunOneJobAsync(cluster, node: 1);

        Assert.Equal(HttpStatusCode.OK, luaSaved);
        Assert.Equal(HttpStatusCode.OK, jsSaved);
        Assert.Equal(HttpStatusCode.OK, status);
        var errors = explained.GetProperty("errors").EnumerateArray().Select(error => error.GetString()!).ToList();
        Assert.Contains(errors, error => error.StartsWith("rule 'stored-rep' (lua) exceeded its", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("rule 'stored-recursion' (js)", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.StartsWith("rule 'recursion-value-of' (js)", StringComparison.Ordinal));
    }

    /// <summary>Enqueues through one node and has a worker of that node complete the job (workers stay until the cluster ends).</summary>
    private static async Task RunOneJobAsync(TestCluster cluster, int node)
    {
        var client = cluster.Client(node);
        var id = await client.EnqueueAsync("test.echo", "acme");
        cluster.StartWorker(node, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));

        var job = await client.WaitForStateAsync(id, JobState.Completed, NoAnswer);

        Assert.Equal(JobState.Completed, job.State);
    }
}
