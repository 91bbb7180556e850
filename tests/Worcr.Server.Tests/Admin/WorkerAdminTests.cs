using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;

namespace Worcr.Server.Tests.Admin;

/// <summary>/api/workers and /api/nodes list what runs on every node; a drain reaches a worker wherever it is connected.</summary>
public sealed class WorkerAdminTests : IAsyncLifetime
{
    private TestCluster _cluster = null!;
    private readonly List<GrpcChannel> _channels = new();

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nodes: 2, configure: SecuredAdminFixture.Secure);

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels) channel.Dispose();
        await _cluster.DisposeAsync();
    }

    private AdminClient Operator(int node = 0) => new(_cluster.Nodes[node].HttpAddress, SecuredAdminFixture.ApiKey);

    /// <summary>A worker made by hand on a node, so the test sees every message the node sends it.</summary>
    private async Task<(AsyncDuplexStreamingCall<WorkerMessage, DispatcherMessage> Call, IAsyncEnumerator<DispatcherMessage> Replies)> ConnectAsync(
        int node, string workerId, int capacity, string tag = "gpu")
    {
        var channel = GrpcChannel.ForAddress(_cluster.Nodes[node].GrpcAddress);
        _channels.Add(channel);
        var call = new Protocol.V1.Workers.WorkersClient(channel).Connect();
        var replies = call.ReadPatiently();
        var hello = new Hello { WorkerId = workerId, Capacity = capacity, Token = SecuredAdminFixture.WorkerToken };
        hello.JobTypes.Add("test.slow");
        hello.Tags.Add(tag);
        await call.RequestStream.WriteAsync(new WorkerMessage { Hello = hello });
        Assert.True(await replies.MoveNextAsync());
        Assert.NotNull(replies.Current.Welcome);
        return (call, replies);
    }

    /// <summary>Presence is refreshed every heartbeat (1 s in tests): poll the listing until it shows what the test waits for.</summary>
    private static async Task<JsonElement> PollAsync(AdminClient admin, string path, Func<JsonElement, bool> done)
        => await Eventually.ReadUntilAsync(() => admin.GetJsonAsync(path), done, TimeSpan.FromSeconds(20), path);

    private static JsonElement? Worker(JsonElement listing, string id) =>
        listing.GetProperty("workers").EnumerateArray().Cast<JsonElement?>().FirstOrDefault(w => w!.Value.GetProperty("worker_id").GetString() == id);

    [Fact]
    public async Task Workers_of_both_nodes_are_listed_with_node_tags_capacity_and_the_jobs_they_hold()
    {
        var (call, replies) = await ConnectAsync(node: 1, "w-raw-list", capacity: 3);
        using var _ = call;
        var jobId = await _cluster.Client(apiKey: SecuredAdminFixture.ApiKey).EnqueueAsync("test.slow", "acme");
        Assert.True(await replies.MoveNextAsync());
        Assert.Equal(jobId, replies.Current.Assign.JobId);
        var (other, _) = await ConnectAsync(node: 0, "w-sdk-list", capacity: 2, tag: "cpu");
        using var __ = other;
        using var admin = Operator();

        var listing = await PollAsync(admin, "/api/workers", body =>
            Worker(body, "w-sdk-list") is not null && Worker(body, "w-raw-list")?.GetProperty("job_ids").GetArrayLength() == 1);

        var raw = Worker(listing, "w-raw-list")!.Value;
        Assert.Equal(_cluster.Nodes[1].NodeId, raw.GetProperty("node_id").GetString());
        Assert.Equal(["gpu"], raw.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["test.slow"], raw.GetProperty("job_types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(3, raw.GetProperty("capacity").GetInt32());
        Assert.Equal(1, raw.GetProperty("in_flight").GetInt32());
        Assert.Equal(jobId, raw.GetProperty("job_ids")[0].GetString());
        Assert.NotEqual(JsonValueKind.Null, raw.GetProperty("connected_at").ValueKind);
        Assert.False(raw.GetProperty("draining").GetBoolean());
        var sdk = Worker(listing, "w-sdk-list")!.Value;
        Assert.Equal(_cluster.Nodes[0].NodeId, sdk.GetProperty("node_id").GetString());
        Assert.Equal(["cpu"], sdk.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Nodes_are_listed_with_their_addresses_and_exactly_one_leader()
    {
        using var admin = Operator(1);

        var listing = await PollAsync(admin, "/api/nodes", body =>
            body.GetProperty("nodes").GetArrayLength() == 2 && body.GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("leader").GetBoolean()) == 1);

        var nodes = listing.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node_id").GetString()!);
        foreach (var node in _cluster.Nodes)
        {
            Assert.Equal(node.HttpAddress.ToString(), nodes[node.NodeId].GetProperty("http_address").GetString());
            Assert.Equal(node.GrpcAddress.ToString(), nodes[node.NodeId].GetProperty("grpc_address").GetString());
            Assert.NotEqual(JsonValueKind.Null, nodes[node.NodeId].GetProperty("started_at").ValueKind);
        }
    }

    [Fact]
    public async Task Draining_through_one_node_reaches_a_worker_connected_to_the_other()
    {
        var (call, replies) = await ConnectAsync(node: 1, "w-raw-drain", capacity: 2);
        using var _ = call;
        using var admin = Operator(0);
        await PollAsync(admin, "/api/workers", body => Worker(body, "w-raw-drain") is not null);

        using var response = await admin.PostAsync("/api/workers/w-raw-drain/drain", new { });
        Assert.True(await replies.MoveNextAsync());
        var drained = await PollAsync(admin, "/api/workers", body => Worker(body, "w-raw-drain")?.GetProperty("draining").GetBoolean() == true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await AdminClient.ReadAsync(response);
        Assert.Equal(_cluster.Nodes[1].NodeId, body.GetProperty("node_id").GetString());
        Assert.Equal(DispatcherMessage.MessageOneofCase.Drain, replies.Current.MessageCase);
        Assert.Contains("operator", replies.Current.Drain.Reason, StringComparison.Ordinal);
        Assert.True(Worker(drained, "w-raw-drain")!.Value.GetProperty("draining").GetBoolean());
    }

    [Fact]
    public async Task Draining_an_unknown_worker_gets_404()
    {
        using var admin = Operator();

        using var response = await admin.PostAsync("/api/workers/nobody-here/drain", new { });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nobody-here", (await AdminClient.ReadAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_signed_in_on_one_node_is_accepted_by_the_other()
    {
        using var signIn = new SessionClient(_cluster.Nodes[0].HttpAddress);
        using var signedIn = await signIn.SignInAsync(SecuredAdminFixture.AdminPassword);
        var cookie = signIn.Cookies.GetCookieHeader(_cluster.Nodes[0].HttpAddress);
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = _cluster.Nodes[1].HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/session");
        request.Headers.Add("Cookie", cookie);

        using var onOtherNode = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onOtherNode.StatusCode);
        Assert.Equal(signIn.CsrfToken, (await AdminClient.ReadAsync(onOtherNode)).GetProperty("csrf_token").GetString());
    }
}
