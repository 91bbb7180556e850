using System.Net;
using System.Text.Json;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>GET /api/jobs/{id}/stream: live events of a job run by a worker on another node, as server-sent events.</summary>
public sealed class AdminJobStreamTests
{
    [Fact]
    public async Task A_browser_on_one_node_sees_state_progress_checkpoint_and_log_events_of_a_worker_on_another_node()
    {
        await using var cluster = await SecuredCluster.StartAsync(nodes: 2);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(1, w => w.Handle("test.slow", async job =>
        {
            await job.ProgressAsync("rows", 1, 3, "first row");
            await job.CheckpointAsync("cursor", "row-1");
            job.Log("info", "halfway there");
            await job.ProgressAsync("rows", 2, 3);
            await release.Task;
            return JobResult.Complete(new { rows = 3 });
        }), concurrency: 1);
        var id = await cluster.Client(0).EnqueueAsync("test.slow", "acme");
        await using var stream = await cluster.StreamAsync($"/api/jobs/{id}/stream", node: 0);

        var untilProgress = await stream.UntilAsync((name, data) => name == "progress" && data.GetProperty("current").GetInt64() == 2);
        release.SetResult();
        var rest = await stream.UntilAsync((name, data) => name == "state" && data.GetProperty("state").GetString() == "completed");

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var all = untilProgress.Concat(rest).ToList();
        Assert.Equal("state", all[0].Name);
        Assert.Contains(all, e => e.Name == "state" && e.Data.GetProperty("state").GetString() == "running" && e.Data.GetProperty("attempt").GetInt32() == 1);
        Assert.Contains(all, e => e.Name == "checkpoint" && e.Data.GetProperty("name").GetString() == "cursor" && e.Data.GetProperty("value").GetString() == "row-1");
        Assert.Contains(all, e => e.Name == "log" && e.Data.GetProperty("text").GetString() == "halfway there" && e.Data.GetProperty("level").GetString() == "info");
        var progress = all.Where(e => e.Name == "progress").Select(e => e.Data).ToList();
        Assert.Equal(3, progress[^1].GetProperty("total").GetInt64());
        Assert.Equal("rows", progress[^1].GetProperty("name").GetString());
        Assert.Equal("completed", all[^1].Data.GetProperty("state").GetString());
        Assert.Single(all, e => e.Name == "state" && e.Data.GetProperty("state").GetString() == "completed");

        var page = await cluster.Admin(0).GetJsonAsync($"/api/jobs/{id}");
        Assert.Equal("completed", page.GetProperty("state").GetString());
        Assert.Equal("row-1", Assert.Single(page.GetProperty("checkpoints").EnumerateArray()).GetProperty("value").GetString());
        Assert.Contains(page.GetProperty("logs").EnumerateArray(), l => l.GetProperty("text").GetString() == "halfway there");
        Assert.Equal(2, Assert.Single(page.GetProperty("progress").EnumerateArray()).GetProperty("current").GetInt64());
        Assert.Equal(3, JsonDocument.Parse(page.GetProperty("result").GetString()!).RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(cluster.Cluster.Nodes[1].NodeId, page.GetProperty("node_id").GetString());
    }

    [Fact]
    public async Task A_stream_of_an_unknown_or_malformed_job_id_is_a_json_404_or_400_not_a_stream()
    {
        await using var cluster = await SecuredCluster.StartAsync();

        await using var missing = await cluster.StreamAsync("/api/jobs/999999999/stream");
        await using var bad = await cluster.StreamAsync("/api/jobs/x1/stream");

        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Equal("application/json", missing.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, bad.Response.StatusCode);
    }

    [Fact]
    public async Task A_stream_ends_when_the_node_stops()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        var id = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        await using var stream = await cluster.StreamAsync($"/api/jobs/{id}/stream");
        var first = await stream.NextAsync();

        await cluster.Cluster.Nodes[0].StopAsync();

        Assert.Equal("waiting", first.Data.GetProperty("state").GetString());
        var ended = await Assert.ThrowsAnyAsync<Exception>(() => stream.NextAsync());
        Assert.False(ended is OperationCanceledException, "the stream should end, not time out");
    }
}
