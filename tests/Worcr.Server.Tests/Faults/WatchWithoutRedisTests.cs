using Worcr.Core.Errors;
using Worcr.Protocol.V1;
using Worcr.Server.Events;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;

namespace Worcr.Server.Tests.Faults;

/// <summary>
/// Watching through a node cut off from Redis (its live-events subscription cannot be made): a watch of named jobs
/// follows them from PostgreSQL meanwhile, a tenant-wide watch is refused, and live events reach the node's
/// watchers again once Redis is back.
/// </summary>
public sealed class WatchWithoutRedisTests(FaultServers servers) : IClassFixture<FaultServers>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_watch_through_a_node_cut_off_from_redis_follows_its_job_and_live_events_resume_when_redis_is_back()
    {
        await using var proxy = servers.RedisProxy();
        await using var cluster = await TestCluster.StartOnAsync(servers, nodes: 1);
        var cutOff = await cluster.AddNodeAsync(o => o.RedisUrl = $"redis://127.0.0.1:{proxy.Port}");
        var first = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        var second = await cluster.Client(0).EnqueueAsync("test.echo", "acme");
        proxy.Cut();

        // Waiting from the first read, cancelled from a re-read of PostgreSQL: no event can reach the cut node.
        var states = new List<JobState>();
        using (var timeout = new CancellationTokenSource(Patience))
        {
            await foreach (var jobEvent in cluster.Client(1).WatchAsync([first], timeout.Token))
            {
                states.Add(jobEvent.StateChanged.State);
                if (states.Count == 1) await cluster.Client(0).CancelAsync(first);
            }
        }
        Assert.Equal([JobState.Waiting, JobState.Cancelled], states);

        using var watcher = await cutOff.Events.WatchAsync(new WatchFilter([long.Parse(second, System.Globalization.CultureInfo.InvariantCulture)], null), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<WorcrError>(() => cutOff.Events.WatchAsync(new WatchFilter([], "acme"), CancellationToken.None));
        Assert.Equal(ErrorKind.Unavailable, refused.Kind);
        proxy.Restore();
        // The node subscribes again and tells its watchers to re-read what they may have missed.
        using var resubscribed = new CancellationTokenSource(Patience);
        while (!watcher.TakeLost()) await watcher.ReadAsync(TimeSpan.FromSeconds(1), resubscribed.Token);
        await cluster.Client(0).CancelAsync(second);

        var heard = await NextEventAsync(watcher);
        Assert.Equal(second, heard.JobId);
        Assert.Equal(JobState.Cancelled, heard.StateChanged.State);
    }

    /// <summary>The next event, past any further request to re-read (the multiplexer's reconnect may add one).</summary>
    private static async Task<JobEvent> NextEventAsync(EventWatcher watcher)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await watcher.ReadAsync(Patience, timeout.Token) is { } next) return next;
        }
    }
}
