using System.Text.Json;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Tests.Admin;

/// <summary>A selective filter over a large table: each page reads a bounded window, and the cursor carries on below it.</summary>
public sealed class AdminJobsScanWindowTests
{
    [Fact]
    public async Task A_rare_tenant_behind_a_full_window_is_found_on_a_later_page_and_nothing_is_listed_twice()
    {
        await using var cluster = await SecuredCluster.StartAsync();
        var client = cluster.Client();
        var rare = long.Parse(await client.EnqueueAsync("test.echo", "rare"));
        await client.EnqueueBatchAsync(Enumerable.Range(0, JobBrowser.ScanWindow + 10).Select(_ => new JobSpec { Type = "test.echo", Tenant = "crowd" }));
        var admin = cluster.Admin();

        var first = await admin.GetJsonAsync("/api/jobs?tenant=rare");
        var second = await admin.GetJsonAsync($"/api/jobs?tenant=rare&before={first.GetProperty("next_before").GetInt64()}");

        Assert.Equal(0, first.GetProperty("jobs").GetArrayLength());
        Assert.Equal(JsonValueKind.Number, first.GetProperty("next_before").ValueKind);
        Assert.Equal(rare, Assert.Single(second.GetProperty("jobs").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next_before").ValueKind);
    }
}
