using System.Text.Json.Nodes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Workers;

/// <summary>The Node.js example (plain @grpc/grpc-js) against the real node: the protocol works outside the .NET SDK.</summary>
public sealed class NodeWorkerTests
{
    [NodeJsFact]
    public async Task The_node_js_example_worker_echoes_three_jobs_and_exits_cleanly()
    {
        await NodeJs.EnsurePackagesAsync(NodeJs.NodeWorkerDirectory);
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        await using var worker = ChildWorker.Start(NodeJs.Executable!,
            [Path.Combine(NodeJs.NodeWorkerDirectory, "worker.js"), cluster.Nodes[0].GrpcAddress.ToString(), "--max-jobs", "3"],
            new Dictionary<string, string>(), "connected to node");
        await worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add(await client.EnqueueAsync("demo.echo", "acme", new { n = i, text = $"hello {i}" }));
        foreach (var id in ids)
        {
            var job = await client.WaitForStateAsync(id, JobState.Completed);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(job.ArgsJson), JsonNode.Parse(job.ResultJson)), $"job {id}: args {job.ArgsJson}, result {job.ResultJson}");
        }

        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }
}
