using System.Text.Json;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>/api/overview and its stream: states counted, backlog per tenant and lane, series, one shared snapshot.</summary>
public sealed class AdminOverviewTests
{
    private static long State(JsonElement overview, string state) => overview.GetProperty("states").GetProperty(state).GetInt64();

    private static async Task<JsonElement> WaitForOverviewAsync(SecuredCluster cluster, Func<JsonElement, bool> done) =>
        await Eventually.ReadUntilAsync(() => cluster.Admin().GetJsonAsync("/api/overview"), done, TimeSpan.FromSeconds(30), "the overview");

    [Fact]
    public async Task The_overview_counts_every_state_the_backlog_per_tenant_and_lane_and_the_series()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        var client = cluster.Client();
        cluster.StartWorker(0, w => w.Handle("test.count", _ => Task.FromResult(JobResult.Complete())), concurrency: 2);
        for (var i = 0; i < 3; i++) await client.EnqueueAsync("test.count", "done-tenant");
        for (var i = 0; i < 4; i++) await client.EnqueueAsync("test.echo", "busy", tags: ["big"]);
        await client.EnqueueAsync("test.echo", "small");
        var cancelled = await client.EnqueueAsync("test.echo", "small");
        await client.CancelAsync(cancelled);
        var later = new Protocol.V1.JobSpec { Type = "test.echo", Tenant = "small", RunAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) };
        await client.EnqueueAsync(later);

        // The snapshot is shared and refreshed: wait for one taken after the last call (the scheduled job), not
        // merely after the worker's completions, which can come before the cancel (CI once saw 6 waiting).
        var overview = await WaitForOverviewAsync(cluster, o => State(o, "completed") == 3 && State(o, "cancelled") == 1
            && State(o, "scheduled") == 1 && o.GetProperty("workers").GetInt32() == 1);

        Assert.Equal(5, State(overview, "waiting"));
        Assert.Equal(0, State(overview, "running"));
        Assert.Equal(0, State(overview, "dead"));
        Assert.Equal(8, overview.GetProperty("states").EnumerateObject().Count());
        var tenants = overview.GetProperty("tenants").EnumerateArray().ToList();
        Assert.Equal("busy", tenants[0].GetProperty("tenant").GetString());
        Assert.Equal(4, tenants[0].GetProperty("waiting").GetInt64());
        Assert.Contains(tenants, t => t.GetProperty("tenant").GetString() == "small" && t.GetProperty("waiting").GetInt64() == 1);
        var lane = overview.GetProperty("lanes")[0];
        Assert.Equal("busy", lane.GetProperty("tenant").GetString());
        Assert.Equal(["big"], lane.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(4, lane.GetProperty("waiting").GetInt64());
        Assert.Equal(1, overview.GetProperty("nodes").GetInt32());
        var series = overview.GetProperty("series");
        Assert.Equal(10, series.GetProperty("step_s").GetInt32());
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(90, points.Count);
        Assert.Equal(10, points.Sum(p => p.GetProperty("enqueued").GetInt64()));
        Assert.Equal(3, points.Sum(p => p.GetProperty("completed").GetInt64()));
        Assert.Contains(points, p => p.GetProperty("completed").GetInt64() > 0 && p.GetProperty("p95_ms").GetDouble() >= p.GetProperty("p50_ms").GetDouble());
        Assert.Contains(points, p => p.GetProperty("p50_ms").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Many_callers_at_once_share_one_snapshot()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        var admin = cluster.Admin();

        var overviews = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => admin.GetJsonAsync("/api/overview")));

        Assert.Single(overviews.Select(o => o.GetProperty("at").GetString()).Distinct());
    }

    [Fact]
    public async Task The_overview_stream_sends_an_overview_event_about_every_two_seconds()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        await using var stream = await cluster.StreamAsync("/api/overview/stream");

        var first = await stream.NextAsync();
        await cluster.Client().EnqueueAsync("test.echo", "streamed");
        var updated = await stream.UntilAsync((_, data) => State(data, "waiting") == 1);

        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("overview", first.Name);
        Assert.Equal(0, State(first.Data, "waiting"));
        Assert.All(updated, e => Assert.Equal("overview", e.Name));
        Assert.True(updated[^1].Data.GetProperty("at").GetDateTimeOffset() > first.Data.GetProperty("at").GetDateTimeOffset());
        Assert.True(stream.Comments >= 1);
    }
}
