using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Worcr.Protocol.V1;
using Worcr.Server.JobTypes;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.JobTypes;

public sealed class JobTypeSettingsTests
{
    [Fact]
    public async Task Saved_settings_are_answered_and_listed_with_unset_ones_as_null()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var saved = await admin.PutAsync("/api/job-types/test.echo", new { max_attempts = 3, retry_base_ms = 100, retry_max_ms = 900 });
        var listed = await FindTypeAsync(admin, "test.echo");

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(3, (await AdminClient.ReadAsync(saved)).GetProperty("max_attempts").GetInt32());
        Assert.Equal(3, listed.GetProperty("max_attempts").GetInt32());
        Assert.Equal(100, listed.GetProperty("retry_base_ms").GetInt32());
        Assert.Equal(900, listed.GetProperty("retry_max_ms").GetInt32());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("lease_ms").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await FindTypeAsync(admin, "test.slow")).GetProperty("max_attempts").ValueKind);
    }

    [Theory]
    [InlineData("""{"max_attempts": 0}""", "max_attempts")]
    [InlineData("""{"retry_base_ms": 500, "retry_max_ms": 100}""", "retry_max_ms")]
    [InlineData("""{"lease_ms": 5}""", "lease_ms")]
    [InlineData("""{"max_attempt": 3}""", "max_attempt")]
    [InlineData("""{"max_attempts": "three"}""", "max_attempts")]
    public async Task A_bad_setting_gets_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var response = await admin.SendRawAsync(HttpMethod.Put, "/api/job-types/test.echo", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await FindTypeAsync(admin, "test.echo")).GetProperty("max_attempts").ValueKind);
    }

    [Fact]
    public async Task A_type_name_that_could_never_be_enqueued_gets_400()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);

        var response = await admin.PutAsync("/api/job-types/bad%20type", new { max_attempts = 2 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Saving_settings_for_an_unknown_type_declares_it_so_producers_may_enqueue_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var client = cluster.Client();

        await admin.PutAsync("/api/job-types/report.monthly", new { });
        var id = await client.EnqueueAsync("report.monthly", "acme");

        Assert.Equal(JobState.Waiting, (await client.GetAsync(id)).State);
    }

    [Fact]
    public async Task A_job_without_max_attempts_gets_its_types_setting_while_the_spec_and_other_types_keep_theirs()
    {
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var client = cluster.Client();
        await admin.PutAsync("/api/job-types/test.echo", new { max_attempts = 3 });

        var typed = await client.GetAsync(await client.EnqueueAsync("test.echo", "acme"));
        var explicitly = await client.GetAsync(await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 7 }));
        var other = await client.GetAsync(await client.EnqueueAsync("test.slow", "acme"));

        Assert.Equal(3, typed.MaxAttempts);
        Assert.Equal(7, explicitly.MaxAttempts);
        Assert.Equal(cluster.Nodes[0].Options.DefaultMaxAttempts, other.MaxAttempts);
    }

    [Fact]
    public async Task A_failed_job_waits_for_its_types_own_backoff_instead_of_the_nodes()
    {
        // The test node's backoff is 50-200 ms; the type's is 3 s, so its first retry waits 1.5-3 s.
        await using var cluster = await TestCluster.StartAsync();
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var client = cluster.Client();
        await admin.PutAsync("/api/job-types/test.echo", new { retry_base_ms = 3000, retry_max_ms = 3000 });
        var failedAt = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ =>
        {
            failedAt.TrySetResult(DateTimeOffset.UtcNow);
            return Task.FromResult(JobResult.Fail("try later"));
        }));
        var id = await client.EnqueueAsync("test.echo", "acme");

        var failed = await client.WaitForStateAsync(id, JobState.Failed);
        var seenAt = DateTimeOffset.UtcNow;

        // The node stores the failure some time after the handler returned and before the test sees it: the retry
        // is due at least 1.5 s after the first moment and at most 3 s after the second, however busy the machine.
        var runAt = failed.RunAt.ToDateTimeOffset();
        Assert.True(runAt - await failedAt.Task >= TimeSpan.FromMilliseconds(1500), $"retry due {(runAt - await failedAt.Task).TotalMilliseconds:F0} ms after the failure");
        Assert.True(runAt - seenAt <= TimeSpan.FromMilliseconds(3000), $"retry due {(runAt - seenAt).TotalMilliseconds:F0} ms after the failure was seen stored");
    }

    [Fact]
    public async Task A_setting_saved_on_one_node_applies_on_another_within_the_cache_ttl()
    {
        // The nodes share a fake clock: the other node's cached settings age only when the test advances it.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await TestCluster.StartAsync(nodes: 2, time: clock);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var other = cluster.Client(1);
        var before = await other.GetAsync(await other.EnqueueAsync("test.echo", "acme")); // warms node 2's cache

        await admin.PutAsync("/api/job-types/test.echo", new { max_attempts = 2 });
        clock.Advance(JobTypeSettingsCache.Ttl);
        var afterTtl = await other.GetAsync(await other.EnqueueAsync("test.echo", "acme"));

        Assert.Equal(cluster.Nodes[1].Options.DefaultMaxAttempts, before.MaxAttempts);
        Assert.Equal(2, afterTtl.MaxAttempts);
    }

    private static async Task<JsonElement> FindTypeAsync(AdminClient admin, string name)
    {
        var list = await admin.GetJsonAsync("/api/job-types");
        return list.GetProperty("job_types").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);
    }
}
