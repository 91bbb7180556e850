using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Worcr.Protocol.V1;
using Worcr.Server.Identity;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Server.Transport;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>Tenant API keys: created once, listed without the key, revoked; over gRPC they bind a producer to its tenant.</summary>
public sealed class TenantKeyTests : IClassFixture<SecuredAdminFixture>
{
    private readonly SecuredAdminFixture _fixture;

    public TenantKeyTests(SecuredAdminFixture fixture) => _fixture = fixture;

    private AdminClient Operator() => new(_fixture.HttpAddress, SecuredAdminFixture.ApiKey);

    private async Task<(long Id, string Key)> CreateKeyAsync(string tenant, string label = "ci")
    {
        using var admin = Operator();
        using var response = await admin.PostAsync($"/api/tenants/{tenant}/keys", new { label });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await AdminClient.ReadAsync(response);
        return (body.GetProperty("id").GetInt64(), body.GetProperty("key").GetString()!);
    }

    [Fact]
    public async Task A_key_is_shown_once_listed_by_prefix_and_label_and_revoked()
    {
        using var admin = Operator();

        using var created = await admin.PostAsync("/api/tenants/keys-a/keys", new { label = "billing service" });
        var body = await AdminClient.ReadAsync(created);
        var key = body.GetProperty("key").GetString()!;
        var listed = (await admin.GetJsonAsync("/api/tenants/keys-a/keys")).GetProperty("keys");
        using var revoke = await admin.DeleteAsync($"/api/tenants/keys-a/keys/{body.GetProperty("id").GetInt64()}");
        using var revokeAgain = await admin.DeleteAsync($"/api/tenants/keys-a/keys/{body.GetProperty("id").GetInt64()}");
        var afterwards = (await admin.GetJsonAsync("/api/tenants/keys-a/keys")).GetProperty("keys");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("wt_", key, StringComparison.Ordinal);
        Assert.Equal(51, key.Length);
        Assert.Equal(key[..11], body.GetProperty("prefix").GetString());
        var entry = Assert.Single(listed.EnumerateArray());
        Assert.Equal("billing service", entry.GetProperty("label").GetString());
        Assert.Equal(key[..11], entry.GetProperty("prefix").GetString());
        Assert.False(entry.TryGetProperty("key", out _));
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("last_used_at").ValueKind);
        Assert.DoesNotContain(key, listed.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeAgain.StatusCode);
        Assert.Empty(afterwards.EnumerateArray());
    }

    [Fact]
    public async Task Keys_count_in_the_tenant_listing_and_a_too_long_label_gets_400()
    {
        using var admin = Operator();
        await CreateKeyAsync("keys-b");

        using var tooLong = await admin.PostAsync("/api/tenants/keys-b/keys", new { label = new string('x', 201) });
        var tenants = (await admin.GetJsonAsync("/api/tenants")).GetProperty("tenants").EnumerateArray();

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains(tenants, t => t.GetProperty("name").GetString() == "keys-b" && t.GetProperty("api_keys").GetInt32() == 1);
    }

    [Fact]
    public async Task A_tenant_key_enqueues_into_its_own_tenant_and_is_refused_for_another()
    {
        var (_, key) = await CreateKeyAsync("keys-c");
        var producer = _fixture.Cluster.Client(apiKey: key);

        var id = await producer.EnqueueAsync("test.echo", "keys-c");
        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.EnqueueAsync("test.echo", "keys-other"));
        var batchRefused = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.EnqueueBatchAsync(
            [new JobSpec { Type = "test.echo", Tenant = "keys-c" }, new JobSpec { Type = "test.echo", Tenant = "keys-other" }]));

        Assert.Equal(JobState.Waiting, (await producer.GetAsync(id)).State);
        Assert.Equal(WorcrErrorCode.PermissionDenied, refused.Code);
        Assert.Contains("keys-c", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(WorcrErrorCode.PermissionDenied, batchRefused.Code);
        Assert.Equal(1, (await _fixture.Cluster.Database.Tenants.ActivityAsync()).Single(a => a.Tenant == "keys-c").Waiting);
        Assert.DoesNotContain(await _fixture.Cluster.Database.Tenants.ActivityAsync(), a => a.Tenant == "keys-other");
        var listed = (await Operator().GetJsonAsync("/api/tenants/keys-c/keys")).GetProperty("keys")[0];
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("last_used_at").ValueKind);
    }

    [Fact]
    public async Task Jobs_of_other_tenants_look_missing_to_a_tenant_key()
    {
        var (_, key) = await CreateKeyAsync("keys-d");
        var producer = _fixture.Cluster.Client(apiKey: key);
        var foreign = await _fixture.Cluster.Client(apiKey: SecuredAdminFixture.ApiKey).EnqueueAsync("test.echo", "keys-d-neighbour");

        var get = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.GetAsync(foreign));
        var cancel = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.CancelAsync(foreign));
        var retry = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.RetryAsync(foreign));
        // A watch that were wrongly allowed would run on (a tenant-wide one forever): the patience turns that into a failure.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watch = await Assert.ThrowsAsync<WorcrNodeException>(async () =>
        {
            await foreach (var _ in producer.WatchAsync([foreign], patience.Token)) { }
        });
        var watchTenant = await Assert.ThrowsAsync<WorcrNodeException>(async () =>
        {
            await foreach (var _ in producer.WatchAsync([], "keys-d-neighbour", patience.Token)) { }
        });

        Assert.Equal(WorcrErrorCode.NotFound, get.Code);
        Assert.Equal(WorcrErrorCode.NotFound, cancel.Code);
        Assert.Equal(WorcrErrorCode.NotFound, retry.Code);
        Assert.Equal(WorcrErrorCode.NotFound, watch.Code);
        Assert.Equal(WorcrErrorCode.PermissionDenied, watchTenant.Code);
        Assert.Equal(Core.Jobs.JobState.Waiting, (await _fixture.Cluster.Database.Jobs.GetAsync(Server.Transport.Messages.ParseJobId(foreign)!.Value))!.State);
    }

    [Fact]
    public async Task A_key_revoked_through_the_api_is_rejected_at_once()
    {
        var (id, key) = await CreateKeyAsync("keys-e");
        var producer = _fixture.Cluster.Client(apiKey: key);
        await producer.EnqueueAsync("test.echo", "keys-e");
        using var admin = Operator();

        using var revoke = await admin.DeleteAsync($"/api/tenants/keys-e/keys/{id}");
        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.EnqueueAsync("test.echo", "keys-e"));

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(WorcrErrorCode.Unauthenticated, refused.Code);
    }

    [Fact]
    public async Task A_watch_open_when_its_key_is_revoked_ends_before_it_sends_anything_more()
    {
        var (id, key) = await CreateKeyAsync("keys-g");
        var producer = _fixture.Cluster.Client(apiKey: key);
        var operatorClient = _fixture.Cluster.Client(apiKey: SecuredAdminFixture.ApiKey);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var subscribed = _fixture.Cluster.Nodes[0].Events.Hub.WatcherAdded;
        // A tenant-wide watch: it runs until its caller ends it, so only the node can stop it after the revocation.
        await using var events = producer.WatchAsync([], patience.Token).GetAsyncEnumerator(patience.Token);
        var first = events.MoveNextAsync().AsTask();
        await subscribed.WaitAsync(patience.Token);
        var before = await operatorClient.EnqueueAsync("test.echo", "keys-g");
        Assert.True(await first);
        Assert.Equal(before, events.Current.JobId);

        using var admin = Operator();
        using var revoke = await admin.DeleteAsync($"/api/tenants/keys-g/keys/{id}");
        var after = await operatorClient.EnqueueAsync("test.echo", "keys-g");
        string? sentAfterRevoking = null;
        var ended = await Record.ExceptionAsync(async () =>
        {
            if (await events.MoveNextAsync()) sentAfterRevoking = events.Current.JobId;
        });

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.True(sentAfterRevoking is null, $"the revoked key's watch went on: it was sent an event of job {sentAfterRevoking} (job {after} was enqueued after the revocation)");
        Assert.Equal(WorcrErrorCode.Unauthenticated, Assert.IsType<WorcrNodeException>(ended).Code);
    }

    [Fact]
    public async Task A_key_revoked_elsewhere_stops_working_within_seconds()
    {
        // A node of its own on a fake clock, so its cached key ages only when the test advances the clock.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var cluster = await TestCluster.StartAsync(configure: SecuredAdminFixture.Secure, time: clock);
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress, SecuredAdminFixture.ApiKey);
        using var created = await admin.PostAsync("/api/tenants/keys-f/keys", new { label = "ci" });
        var body = await AdminClient.ReadAsync(created);
        var producer = cluster.Client(apiKey: body.GetProperty("key").GetString()!);
        await producer.EnqueueAsync("test.echo", "keys-f");

        // As another node would: straight in the database, so this node only learns it when its cache entry ages out.
        Assert.True(await cluster.Database.TenantKeys.RevokeAsync("keys-f", body.GetProperty("id").GetInt64()));
        clock.Advance(Server.Identity.TenantKeyCache.Freshness);
        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.EnqueueAsync("test.echo", "keys-f"));

        Assert.Equal(WorcrErrorCode.Unauthenticated, refused.Code);
    }
}
