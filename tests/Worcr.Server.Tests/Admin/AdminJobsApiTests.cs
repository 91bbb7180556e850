using System.Net;
using System.Text.Json;
using Worcr.Postgres;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>/api/jobs on a node that requires the operator key: listing, filters, pagination, the job page, retry, cancel, delete.</summary>
public sealed class AdminJobsApiTests : IClassFixture<SecuredClusterFixture>
{
    private readonly SecuredCluster _cluster;
    private readonly AdminClient _admin;
    private readonly WorcrClient _client;

    public AdminJobsApiTests(SecuredClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
        _admin = _cluster.Admin();
        _client = _cluster.Client();
    }

    private static string NewTenant() => $"t{Guid.NewGuid():N}"[..12];

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static long[] Ids(JsonElement page) => page.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()).ToArray();

    private async Task<JsonElement> JobAsync(long id) => await _admin.GetJsonAsync($"/api/jobs/{id}");

    private async Task<JsonElement> WaitForJobAsync(long id, Func<JsonElement, bool> done)
        => await Eventually.ReadUntilAsync(() => JobAsync(id), done, TimeSpan.FromSeconds(30), $"job {id}");

    [Fact]
    public async Task Listing_filters_by_tenant_type_tag_and_state_newest_first()
    {
        var tenant = NewTenant();
        var first = long.Parse(await _client.EnqueueAsync("test.echo", tenant, tags: ["blue"]));
        var second = long.Parse(await _client.EnqueueAsync("test.echo", tenant));
        var third = long.Parse(await _client.EnqueueAsync("demo.echo", tenant, tags: ["red"]));
        await _client.EnqueueAsync("test.echo", NewTenant(), tags: ["blue"]);
        await _client.CancelAsync(second.ToString());

        var all = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}");
        var byType = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&type=demo.echo");
        var byTag = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&tag=blue");
        var cancelled = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&state=cancelled");
        var waiting = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&state=waiting");

        Assert.Equal([third, second, first], Ids(all));
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_before").ValueKind);
        Assert.Equal([third], Ids(byType));
        Assert.Equal([first], Ids(byTag));
        Assert.Equal([second], Ids(cancelled));
        Assert.Equal([third, first], Ids(waiting));
        var job = all.GetProperty("jobs")[2];
        Assert.Equal(tenant, job.GetProperty("tenant").GetString());
        Assert.Equal("test.echo", job.GetProperty("type").GetString());
        Assert.Equal(["blue"], job.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("waiting", job.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("finished_at").ValueKind);
        Assert.Equal(0, job.GetProperty("progress").GetArrayLength());
        Assert.NotEqual(JsonValueKind.Null, all.GetProperty("jobs")[1].GetProperty("finished_at").ValueKind);
    }

    [Fact]
    public async Task Listing_filters_by_enqueue_time()
    {
        var tenant = NewTenant();
        var before = DateTimeOffset.UtcNow.AddMinutes(-1);
        var id = long.Parse(await _client.EnqueueAsync("test.echo", tenant));
        var later = DateTimeOffset.UtcNow.AddMinutes(1);

        var inside = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&from={Uri.EscapeDataString(before.ToString("O"))}&to={Uri.EscapeDataString(later.ToString("O"))}");
        var tooEarly = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&to={Uri.EscapeDataString(before.ToString("O"))}");
        var tooLate = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&from={Uri.EscapeDataString(later.ToString("O"))}");

        Assert.Equal([id], Ids(inside));
        Assert.Empty(Ids(tooEarly));
        Assert.Empty(Ids(tooLate));
    }

    [Fact]
    public async Task Pages_follow_next_before_until_every_job_was_listed_once()
    {
        var tenant = NewTenant();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(long.Parse(await _client.EnqueueAsync("test.echo", tenant)));
        await _client.CancelAsync(ids[2].ToString());

        var seen = new List<long>();
        var pages = 0;
        string? before = null;
        do
        {
            var page = await _admin.GetJsonAsync($"/api/jobs?tenant={tenant}&limit=2" + (before is null ? "" : $"&before={before}"));
            seen.AddRange(Ids(page));
            pages++;
            before = page.GetProperty("next_before").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_before").GetInt64().ToString();
        }
        while (before is not null && pages < 10);

        Assert.Equal(ids.OrderDescending(), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("state=sleeping", "'state'")]
    [InlineData("from=yesterday", "'from'")]
    [InlineData("to=2026-13-45", "'to'")]
    [InlineData("limit=0", "'limit'")]
    [InlineData("limit=501", "'limit'")]
    [InlineData("before=abc", "'before'")]
    [InlineData("from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z", "'to'")]
    // PostgreSQL text cannot hold a NUL: these went to the database as they were, and the answer was a 500.
    [InlineData("tenant=%00", "'tenant'")]
    [InlineData("type=echo%00", "'type'")]
    [InlineData("tag=%00region", "'tag'")]
    public async Task Bad_filter_values_get_400_naming_the_parameter(string query, string named)
    {
        var (status, body) = await CallAsync(_admin.GetAsync("/api/jobs?" + query));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(named, body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_job_page_has_args_stored_fields_and_logs_and_unknown_or_bad_ids_are_404_and_400()
    {
        var tenant = NewTenant();
        var id = long.Parse(await _client.EnqueueAsync("test.echo", tenant, args: new { rows = 12 }));
        await _cluster.Cluster.Database.Jobs.AppendLogsAsync([new LogEntry(id, 0, "info", "noted by a test", DateTimeOffset.UtcNow)]);

        var job = await JobAsync(id);
        var (missing, missingBody) = await CallAsync(_admin.GetAsync("/api/jobs/999999999"));
        var (bad, _) = await CallAsync(_admin.GetAsync("/api/jobs/abc"));

        Assert.Equal(id, job.GetProperty("id").GetInt64());
        Assert.Equal(12, job.GetProperty("args").GetProperty("rows").GetInt32());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("result").ValueKind);
        Assert.Equal(0, job.GetProperty("failures").GetInt32());
        Assert.Equal(0, job.GetProperty("checkpoints").GetArrayLength());
        var log = Assert.Single(job.GetProperty("logs").EnumerateArray());
        Assert.Equal("noted by a test", log.GetProperty("text").GetString());
        Assert.True(log.GetProperty("id").GetInt64() > 0);
        Assert.Equal(0, job.GetProperty("logs_dropped").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("999999999", missingBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }

    [Fact]
    public async Task Cancel_cancels_a_live_job_says_already_finished_after_and_404_for_unknown()
    {
        var id = long.Parse(await _client.EnqueueAsync("test.echo", NewTenant()));

        var (status, first) = await CallAsync(_admin.PostAsync($"/api/jobs/{id}/cancel", new { }));
        var (_, again) = await CallAsync(_admin.PostAsync($"/api/jobs/{id}/cancel", new { }));
        var (missing, _) = await CallAsync(_admin.PostAsync("/api/jobs/999999999/cancel", new { }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("cancelled", first.GetProperty("outcome").GetString());
        Assert.Equal("already_finished", again.GetProperty("outcome").GetString());
        Assert.Equal("cancelled", again.GetProperty("state").GetString());
        Assert.Equal("cancelled", (await JobAsync(id)).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Retry_brings_back_cancelled_and_dead_jobs_and_refuses_live_ones_with_409()
    {
        _cluster.StartWorker(0, w => w.Handle("test.count", _ => Task.FromResult(JobResult.Fail("broken for good", retryable: false))), concurrency: 1);
        var tenant = NewTenant();
        var cancelled = long.Parse(await _client.EnqueueAsync("test.echo", tenant));
        await _client.CancelAsync(cancelled.ToString());
        var dead = long.Parse(await _client.EnqueueAsync("test.count", tenant));
        await WaitForJobAsync(dead, j => j.GetProperty("state").GetString() == "dead");
        var waiting = long.Parse(await _client.EnqueueAsync("test.echo", tenant));

        var (cancelledStatus, cancelledBody) = await CallAsync(_admin.PostAsync($"/api/jobs/{cancelled}/retry", new { }));
        var (deadStatus, _) = await CallAsync(_admin.PostAsync($"/api/jobs/{dead}/retry", new { }));
        var rerun = await WaitForJobAsync(dead, j => j.GetProperty("attempt").GetInt32() == 2 && j.GetProperty("state").GetString() == "dead");
        var (waitingStatus, waitingBody) = await CallAsync(_admin.PostAsync($"/api/jobs/{waiting}/retry", new { }));
        var (missing, _) = await CallAsync(_admin.PostAsync("/api/jobs/999999999/retry", new { }));

        Assert.Equal(HttpStatusCode.OK, cancelledStatus);
        Assert.Equal("waiting", cancelledBody.GetProperty("state").GetString());
        Assert.Equal(cancelled, cancelledBody.GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.OK, deadStatus);
        Assert.Equal("broken for good", rerun.GetProperty("last_error").GetString());
        Assert.Equal(HttpStatusCode.Conflict, waitingStatus);
        Assert.Contains("waiting", waitingBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Fact]
    public async Task Retry_runs_a_failed_job_now_instead_of_after_its_backoff()
    {
        _cluster.StartWorker(0, w => w.Handle("test.slow", _ => Task.FromResult(JobResult.Fail("try later", retryable: true, retryAfter: TimeSpan.FromHours(1)))), concurrency: 1);
        var id = long.Parse(await _client.EnqueueAsync("test.slow", NewTenant()));
        var failed = await WaitForJobAsync(id, j => j.GetProperty("state").GetString() == "failed");

        var (status, _) = await CallAsync(_admin.PostAsync($"/api/jobs/{id}/retry", new { }));
        var again = await WaitForJobAsync(id, j => j.GetProperty("attempt").GetInt32() == 2 && j.GetProperty("state").GetString() == "failed");

        Assert.True(failed.GetProperty("run_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(30));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, again.GetProperty("failures").GetInt32());
    }

    [Fact]
    public async Task Delete_removes_a_finished_job_with_its_reports_and_refuses_a_live_one()
    {
        var id = long.Parse(await _client.EnqueueAsync("test.echo", NewTenant()));
        var store = _cluster.Cluster.Database.Jobs;
        await store.AppendLogsAsync([new LogEntry(id, 0, "info", "to be deleted", DateTimeOffset.UtcNow)]);
        await store.SaveProgressAsync([new ProgressUpdate(id, 0, "rows", 1, 2, null)]);

        var (liveStatus, liveBody) = await CallAsync(_admin.DeleteAsync($"/api/jobs/{id}"));
        await _client.CancelAsync(id.ToString());
        var (status, _) = await CallAsync(_admin.DeleteAsync($"/api/jobs/{id}"));
        var (after, _) = await CallAsync(_admin.GetAsync($"/api/jobs/{id}"));
        var (again, _) = await CallAsync(_admin.DeleteAsync($"/api/jobs/{id}"));

        Assert.Equal(HttpStatusCode.Conflict, liveStatus);
        Assert.Contains("cancel it first", liveBody.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal(HttpStatusCode.NotFound, after);
        Assert.Equal(HttpStatusCode.NotFound, again);
        Assert.Equal(0, await CountRowsAsync("job_logs", id));
        Assert.Equal(0, await CountRowsAsync("job_progress", id));
    }

    [Theory]
    [InlineData("GET", "/api/jobs")]
    [InlineData("GET", "/api/jobs/1")]
    [InlineData("POST", "/api/jobs/1/cancel")]
    [InlineData("DELETE", "/api/jobs/1")]
    [InlineData("GET", "/api/jobs/1/stream")]
    [InlineData("GET", "/api/overview")]
    [InlineData("GET", "/api/overview/stream")]
    [InlineData("POST", "/api/rules/dry-run")]
    public async Task Calls_without_the_operator_key_get_401(string method, string path)
    {
        using var anonymous = new AdminClient(_cluster.Cluster.Nodes[0].HttpAddress);

        var (status, body) = await CallAsync(anonymous.SendRawAsync(new HttpMethod(method), path, "{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.True(body.TryGetProperty("error", out _));
    }

    private async Task<long> CountRowsAsync(string table, long jobId)
    {
        await using var command = _cluster.Cluster.Database.DataSource.CreateCommand($"SELECT count(*) FROM \"{_cluster.Cluster.Schema}\".{table} WHERE job_id = @id");
        command.Parameters.AddWithValue("id", jobId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
