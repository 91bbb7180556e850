using System.Net;
using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;
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
        var id = await cluster.Client(0).EnqueueAsync("test.slow", "acme");
        await using var stream = await cluster.StreamAsync($"/api/jobs/{id}/stream", node: 0);
        var first = await stream.NextAsync();
        cluster.StartWorker(1, w => w.Handle("test.slow", async job =>
        {
            await job.ProgressAsync("rows", 1, 3, "first row");
            await job.CheckpointAsync("cursor", "row-1");
            job.Log("info", "halfway there");
            await job.ProgressAsync("rows", 2, 3);
            await release.Task;
            return JobResult.Complete(new { rows = 3 });
        }), concurrency: 1);

        var untilProgress = await stream.UntilAsync((name, data) => name == "progress" && data.GetProperty("current").GetInt64() == 2);
        release.SetResult();
        // The last log lines of a run may follow its completion (reports are written every 200 ms): wait for both.
        var (completed, logged) = (false, false);
        var rest = await stream.UntilAsync((name, data) =>
        {
            completed |= name == "state" && data.GetProperty("state").GetString() == "completed";
            logged |= name == "log" || untilProgress.Any(e => e.Name == "log");
            return completed && logged;
        });

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        var all = untilProgress.Concat(rest).ToList();
        Assert.Equal("state", first.Name);
        Assert.Equal("waiting", first.Data.GetProperty("state").GetString());
        Assert.Contains(all, e => e.Name == "state" && e.Data.GetProperty("state").GetString() == "running" && e.Data.GetProperty("attempt").GetInt32() == 1);
        Assert.Contains(all, e => e.Name == "checkpoint" && e.Data.GetProperty("name").GetString() == "cursor" && e.Data.GetProperty("value").GetString() == "row-1");
        Assert.Contains(all, e => e.Name == "log" && e.Data.GetProperty("text").GetString() == "halfway there" && e.Data.GetProperty("level").GetString() == "info");
        var progress = all.Where(e => e.Name == "progress").Select(e => e.Data).ToList();
        Assert.Equal(3, progress[^1].GetProperty("total").GetInt64());
        Assert.Equal("rows", progress[^1].GetProperty("name").GetString());
        Assert.Single(all, e => e.Name == "state" && e.Data.GetProperty("state").GetString() == "completed");

        // Live events go out as reports arrive; the node writes progress and log lines to PostgreSQL in batches up to
        // 200 ms later, so the log line and the second progress report may land in different batches.
        var page = await WaitForPageAsync(cluster, id, p => p.GetProperty("logs").GetArrayLength() > 0
            && p.GetProperty("progress").EnumerateArray().Any(r => r.GetProperty("current").GetInt64() == 2));
        Assert.Equal("completed", page.GetProperty("state").GetString());
        Assert.Equal("row-1", Assert.Single(page.GetProperty("checkpoints").EnumerateArray()).GetProperty("value").GetString());
        Assert.Contains(page.GetProperty("logs").EnumerateArray(), l => l.GetProperty("text").GetString() == "halfway there");
        Assert.Equal(2, Assert.Single(page.GetProperty("progress").EnumerateArray()).GetProperty("current").GetInt64());
        Assert.Equal(3, JsonDocument.Parse(page.GetProperty("result").GetString()!).RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(cluster.Cluster.Nodes[1].NodeId, page.GetProperty("node_id").GetString());
    }

    private static async Task<JsonElement> WaitForPageAsync(SecuredCluster cluster, string id, Func<JsonElement, bool> done)
        => await Eventually.ReadUntilAsync(() => cluster.Admin(0).GetJsonAsync($"/api/jobs/{id}"), done, TimeSpan.FromSeconds(10), $"job page {id}");

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
    public async Task A_stream_starts_with_the_stored_state_and_progress_and_ends_when_the_node_stops()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        var id = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        await cluster.Cluster.Database.Jobs.SaveProgressAsync([new Postgres.ProgressUpdate(long.Parse(id), 0, "rows", 7, 10, "seven")]);
        await using var stream = await cluster.StreamAsync($"/api/jobs/{id}/stream");
        var first = await stream.NextAsync();
        var second = await stream.NextAsync();

        await cluster.Cluster.Nodes[0].StopAsync();

        Assert.Equal("waiting", first.Data.GetProperty("state").GetString());
        Assert.Equal("progress", second.Name);
        Assert.Equal(7, second.Data.GetProperty("current").GetInt64());
        Assert.Equal("seven", second.Data.GetProperty("text").GetString());
        var ended = await Assert.ThrowsAnyAsync<Exception>(() => stream.NextAsync());
        Assert.False(ended is OperationCanceledException, "the stream should end, not time out");
    }
}
