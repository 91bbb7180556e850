using System.Text.Json.Nodes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Limits;

/// <summary>The Node.js example asks for a rate-limit permit with a plain @grpc/grpc-js unary call.</summary>
public sealed class NodeWorkerLimitTests
{
    [NodeJsFact]
    public async Task The_node_js_example_takes_a_rate_limit_permit_before_each_job()
    {
        var limit = new { name = "echo-api", kind = "token_bucket", match = new { by = "key", value = "echo-api" }, capacity = 20, period = "1s", burst = 1, mode = "rate" };
        using var rules = new RuleFiles().With("limits.json", LimitJobs.File(limit));
        await NodeJs.EnsurePackagesAsync(NodeJs.NodeWorkerDirectory);
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var client = cluster.Client();
        await using var worker = ChildWorker.Start(NodeJs.Executable!,
            [Path.Combine(NodeJs.NodeWorkerDirectory, "worker.js"), cluster.Nodes[0].GrpcAddress.ToString(), "--max-jobs", "3"],
            new Dictionary<string, string> { ["WORCR_LIMIT_KEY"] = "echo-api" }, "connected to node");
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await client.EnqueueAsync("demo.echo", "acme", new { n = i }));
        foreach (var id in ids)
        {
            var job = await client.WaitForStateAsync(id, JobState.Completed);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(job.ArgsJson), JsonNode.Parse(job.ResultJson)), $"job {id}: result {job.ResultJson}");
            Assert.Equal(1, job.Attempt);
        }

        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
