using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Admin;

/// <summary>Presence announces a worker when it connects, not at the node's next heartbeat beat.</summary>
public sealed class PresenceTests
{
    [Fact]
    public async Task A_worker_that_connects_is_listed_long_before_the_next_heartbeat()
    {
        // A heartbeat far longer than the patience below: only an announcement on connect can pass.
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.HeartbeatInterval = TimeSpan.FromSeconds(60);
            o.LeaseDuration = TimeSpan.FromSeconds(180);
        });
        using var admin = new AdminClient(cluster.Nodes[0].HttpAddress);
        var worker = cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), id: "w-presence-join");
        await worker.Worker.Connected.WaitAsync(TimeSpan.FromSeconds(30));

        var listing = await Eventually.ReadUntilAsync(() => admin.GetJsonAsync("/api/workers"),
            body => body.GetProperty("workers").EnumerateArray().Any(w => w.GetProperty("worker_id").GetString() == "w-presence-join"),
            TimeSpan.FromSeconds(15), "the new worker in /api/workers");

        Assert.Single(listing.GetProperty("workers").EnumerateArray(), w => w.GetProperty("worker_id").GetString() == "w-presence-join");
    }
}
