using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Worcr.Protocol.V1;
using Worcr.Server.Hosting;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Identity;

/// <summary>
/// A credential is good for its own role only, a tenant key reaches its own tenant's jobs only (Watch included),
/// and a guessed key costs no database write.
/// </summary>
public sealed class ProducerIsolationTests(SecuredAdminFixture fixture) : IClassFixture<SecuredAdminFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task The_worker_token_is_no_producer_key()
    {
        var producer = Cluster.Client(apiKey: SecuredAdminFixture.WorkerToken);
        var operatorJob = await Cluster.Client(apiKey: SecuredAdminFixture.ApiKey).EnqueueAsync("test.echo", "iso-a");

        var enqueue = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.EnqueueAsync("test.echo", "iso-a"));
        var get = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.GetAsync(operatorJob));
        var cancel = await Assert.ThrowsAsync<WorcrNodeException>(() => producer.CancelAsync(operatorJob));

        Assert.All(new[] { enqueue, get, cancel }, e => Assert.Equal(WorcrErrorCode.Unauthenticated, e.Code));
        Assert.Equal(JobState.Waiting, (await Cluster.Client(apiKey: SecuredAdminFixture.ApiKey).GetAsync(operatorJob)).State);
    }

    [Fact]
    public async Task A_tenant_key_or_the_api_key_is_no_worker_token()
    {
        var (_, tenantKey) = await CreateKeyAsync("iso-b");

        var withTenantKey = await HelloStatusAsync(tenantKey);
        var withApiKey = await HelloStatusAsync(SecuredAdminFixture.ApiKey);

        Assert.Equal(StatusCode.Unauthenticated, withTenantKey);
        Assert.Equal(StatusCode.Unauthenticated, withApiKey);
        Assert.Equal(0, Cluster.Nodes[0].ConnectedWorkers);
    }

    [Fact]
    public void A_node_whose_worker_token_equals_its_api_key_refuses_to_start()
    {
        var options = new NodeOptions { PostgresUrl = "Host=localhost", RedisUrl = "redis://localhost", ApiKey = "same-secret-1", WorkerToken = "same-secret-1" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("WorkerToken must differ from ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Guessed_keys_are_refused_and_write_nothing()
    {
        var (_, key) = await CreateKeyAsync("iso-c");
        await Cluster.Client(apiKey: key).EnqueueAsync("test.echo", "iso-c");
        var before = await KeyRowsAsync();
        var guesses = new List<string> { "wt_", "wt_" + new string('0', 48), key[..^1] + (key[^1] == 'a' ? 'b' : 'a'), key.ToUpperInvariant(), "x" };
        guesses.AddRange(Enumerable.Range(0, 50).Select(_ => "wt_" + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + "0123456789abcdef"));

        foreach (var guess in guesses)
        {
            var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => Cluster.Client(apiKey: guess).EnqueueAsync("test.echo", "iso-c"));
            Assert.Equal(WorcrErrorCode.Unauthenticated, refused.Code);
        }

        Assert.Equal(before, await KeyRowsAsync());
    }

    [Fact]
    public async Task A_key_in_use_is_noted_at_most_once_a_minute()
    {
        var (_, key) = await CreateKeyAsync("iso-d");

        Assert.Equal("iso-d", await Cluster.Database.TenantKeys.FindTenantAsync(key));
        var noted = await KeyRowsAsync();
        Assert.Equal("iso-d", await Cluster.Database.TenantKeys.FindTenantAsync(key));
        Assert.Null(await Cluster.Database.TenantKeys.FindTenantAsync("wt_" + new string('f', 48)));

        Assert.Equal(noted, await KeyRowsAsync());
        Assert.Contains("iso-d:used", noted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenant_wide_watch_with_a_tenant_key_hears_only_its_tenant()
    {
        var (_, key) = await CreateKeyAsync("iso-e");
        var producer = Cluster.Client(apiKey: key);
        var operatorClient = Cluster.Client(apiKey: SecuredAdminFixture.ApiKey);
        var heard = new ConcurrentQueue<string>();
        var ownIds = new ConcurrentDictionary<string, bool>();
        var ownHeard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var subscribed = Cluster.Nodes[0].Events.Hub.WatcherAdded;
        var reading = Task.Run(async () =>
        {
            await foreach (var item in producer.WatchAsync([], stop.Token))
            {
                heard.Enqueue(item.JobId);
                if (ownIds.ContainsKey(item.JobId)) ownHeard.TrySetResult();
            }
        });

        // Once the watch is subscribed it hears what follows, in the order it was published on the installation's
        // one event channel: the neighbour's job first, then the tenant's own. Hearing the own job proves the
        // neighbour's event had already come by, so a leak would be in what was heard.
        await subscribed.WaitAsync(stop.Token);
        var foreign = await operatorClient.EnqueueAsync("test.echo", "iso-e-neighbour");
        var own = await producer.EnqueueAsync("test.echo", "iso-e");
        ownIds[own] = true;
        if (heard.Contains(own)) ownHeard.TrySetResult(); // heard before the reader could know it was the own job
        await ownHeard.Task.WaitAsync(stop.Token);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => reading);

        Assert.DoesNotContain(foreign, heard);
        Assert.Contains(own, heard);
    }

    private async Task<(long Id, string Key)> CreateKeyAsync(string tenant)
    {
        using var admin = new AdminClient(fixture.HttpAddress, SecuredAdminFixture.ApiKey);
        using var response = await admin.PostAsync($"/api/tenants/{tenant}/keys", new { label = "isolation" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await AdminClient.ReadAsync(response);
        return (body.GetProperty("id").GetInt64(), body.GetProperty("key").GetString()!);
    }

    /// <summary>Every key row with its row version (xmin changes on any write) and whether it was used.</summary>
    private async Task<string> KeyRowsAsync()
    {
        await using var connection = new NpgsqlConnection(await TestServices.PostgresAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT string_agg(tenant || ':' || CASE WHEN last_used_at IS NULL THEN 'unused' ELSE 'used' END || ':' || xmin::text, ',' ORDER BY id) FROM \"{Cluster.Schema}\".tenant_api_keys",
            connection);
        return (await command.ExecuteScalarAsync()) as string ?? "";
    }

    private async Task<StatusCode> HelloStatusAsync(string token)
    {
        using var channel = GrpcChannel.ForAddress(Cluster.Nodes[0].GrpcAddress);
        using var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        var hello = new Hello { WorkerId = "w-" + Guid.NewGuid().ToString("N")[..8], Capacity = 1, Token = token };
        hello.JobTypes.Add("test.echo");
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext()) { }
        });
        return error.StatusCode;
    }
}
