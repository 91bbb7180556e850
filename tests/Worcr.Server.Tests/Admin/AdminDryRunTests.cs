using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>POST /api/rules/dry-run: each connected worker's expected shares of the waiting lanes, now and under a draft rule.</summary>
public sealed class AdminDryRunTests : IAsyncLifetime
{
    private SecuredCluster _cluster = null!;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Two nodes; a worker on the second one holds the first job it gets, so both lanes ("lane-a" and "lane-b" tags)
    /// keep waiting jobs while the dry run is asked on the first node.
    /// </summary>
    public async Task InitializeAsync()
    {
        _cluster = await SecuredCluster.StartAsync(nodes: 2);
        var client = _cluster.Client();
        for (var i = 0; i < 4; i++)
        {
            await client.EnqueueAsync("demo.count", "acme", tags: ["lane-a"]);
            await client.EnqueueAsync("demo.count", "acme", tags: ["lane-b"]);
        }
        _cluster.StartWorker(1, w => w.Handle("demo.count", async _ =>
        {
            await _release.Task;
            return JobResult.Complete();
        }), concurrency: 1, tags: ["gpu"], id: "dry-gpu");
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _cluster.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> DryRunAsync(object body)
    {
        using var response = await _cluster.Admin(0).PostAsync("/api/rules/dry-run", body);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>The dry run once the remote worker shows in presence (it heartbeats every second in tests).</summary>
    private async Task<JsonElement> WorkerPlanAsync(object body)
    {
        var worker = await Eventually.ReadUntilAsync(
            async () =>
            {
                var (status, result) = await DryRunAsync(body);
                Assert.Equal(HttpStatusCode.OK, status);
                return result.GetProperty("workers").EnumerateArray()
                    .Where(w => w.GetProperty("worker_id").GetString() == "dry-gpu" && w.GetProperty("current").GetProperty("lanes").GetArrayLength() > 0)
                    .Select(w => (JsonElement?)w).FirstOrDefault();
            },
            found => found is not null, TimeSpan.FromSeconds(30), "the remote worker 'dry-gpu' in the dry run's plan");
        return worker!.Value;
    }

    private static Dictionary<string, double> SharesByTag(JsonElement plan) =>
        plan.GetProperty("lanes").EnumerateArray().ToDictionary(l => l.GetProperty("tags")[0].GetString()!, l => l.GetProperty("share").GetDouble());

    [Fact]
    public async Task A_draft_x10_rule_gives_its_lane_ten_times_the_share_of_the_other()
    {
        var draft = new { name = "dry-boost", kind = "weight", language = "tag_match", tag_match = new { job_all = new[] { "lane-a" }, worker_all = new[] { "gpu" }, action = "multiply", factor = 10 } };

        var worker = await WorkerPlanAsync(new { draft });

        var current = SharesByTag(worker.GetProperty("current"));
        var drafted = SharesByTag(worker.GetProperty("draft"));
        Assert.Equal(_cluster.Cluster.Nodes[1].NodeId, worker.GetProperty("node_id").GetString());
        Assert.Equal(["gpu"], worker.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(0.5, current["lane-a"], 2);
        Assert.Equal(0.5, current["lane-b"], 2);
        Assert.Equal(10.0 / 11, drafted["lane-a"], 2);
        Assert.Equal(1.0 / 11, drafted["lane-b"], 2);
        Assert.Equal("lane-a", worker.GetProperty("draft").GetProperty("next").GetProperty("tags")[0].GetString());
    }

    [Fact]
    public async Task A_draft_forbid_rule_removes_the_lane_and_the_rest_takes_everything()
    {
        var draft = new { name = "dry-forbid", kind = "weight", language = "lua", code = "function weight(job, worker)\n  if has(job.tags, 'lane-b') then return 0 end\n  return 1\nend" };

        var worker = await WorkerPlanAsync(new { draft });

        var drafted = SharesByTag(worker.GetProperty("draft"));
        Assert.Equal(2, worker.GetProperty("current").GetProperty("lanes").GetArrayLength());
        Assert.Equal(["lane-a"], drafted.Keys);
        Assert.Equal(1.0, drafted["lane-a"], 6);
    }

    [Fact]
    public async Task Without_a_draft_only_the_current_rules_are_shown()
    {
        var worker = await WorkerPlanAsync(new { draft = (object?)null });

        Assert.Equal(JsonValueKind.Null, worker.GetProperty("draft").ValueKind);
        Assert.Equal(1.0, worker.GetProperty("current").GetProperty("lanes").EnumerateArray().Sum(l => l.GetProperty("share").GetDouble()), 6);
    }

    [Fact]
    public async Task A_draft_that_does_not_compile_gets_400_with_its_line()
    {
        var (status, body) = await DryRunAsync(new { draft = new { kind = "weight", language = "lua", code = "function weight(job, worker)\n  return (\nend" } });
        using var response = await _cluster.Admin(0).SendRawAsync(HttpMethod.Post, "/api/rules/dry-run", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("Field 'draft'", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(body.GetProperty("line").GetInt32() > 0);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
