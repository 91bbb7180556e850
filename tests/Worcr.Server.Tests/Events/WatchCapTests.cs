using Microsoft.Extensions.DependencyInjection;
using Worcr.Server.Events;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Events;

/// <summary>
/// A tenant holds at most MaxWatchesPerTenant Watch calls open on a node; another tenant and a new call after one ended
/// are let in. The operator key is not capped.
/// </summary>
public sealed class WatchCapTests
{
    [Fact]
    public async Task A_watch_past_its_tenants_cap_is_refused_naming_the_setting_until_one_of_them_ends()
    {
        await using var cluster = await TestCluster.StartAsync(configure: options =>
        {
            SecuredAdminFixture.Secure(options);
            options.MaxWatchesPerTenant = 2;
        });
        var (_, key) = await cluster.Database.TenantKeys.CreateAsync("watch-cap", "ci");
        var (_, otherKey) = await cluster.Database.TenantKeys.CreateAsync("watch-cap-other", "ci");
        var producer = cluster.Client(apiKey: key);
        var node = cluster.Nodes[0];
        var hub = node.Events.Hub;
        var slots = node.Services.GetRequiredService<WatchSlots>();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var firstCall = CancellationTokenSource.CreateLinkedTokenSource(patience.Token);
        // The other calls stay open to the end of the test; the node's stop ends them.
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(patience.Token);

        // Tenant-wide watches: they send nothing until one of the tenant's jobs changes, so each stays open.
        var subscribed = hub.WatcherAdded;
        var first = producer.WatchAsync([], firstCall.Token).GetAsyncEnumerator(firstCall.Token);
        var firstRead = first.MoveNextAsync().AsTask();
        await subscribed.WaitAsync(patience.Token);
        subscribed = hub.WatcherAdded;
        var second = producer.WatchAsync([], calls.Token).GetAsyncEnumerator(calls.Token);
        var secondRead = second.MoveNextAsync().AsTask();
        await subscribed.WaitAsync(patience.Token);

        subscribed = hub.WatcherAdded;
        var third = producer.WatchAsync([], calls.Token).GetAsyncEnumerator(calls.Token);
        var thirdRead = third.MoveNextAsync().AsTask();
        var settled = await Task.WhenAny(thirdRead, subscribed).WaitAsync(patience.Token);
        Assert.True(settled == thirdRead, "a third tenant-wide watch of the tenant was let in (its watcher subscribed) with MaxWatchesPerTenant = 2");
        var refused = Assert.IsType<WorcrNodeException>(await Record.ExceptionAsync(() => thirdRead));

        subscribed = hub.WatcherAdded;
        var otherTenant = cluster.Client(apiKey: otherKey).WatchAsync([], calls.Token).GetAsyncEnumerator(calls.Token);
        var otherRead = otherTenant.MoveNextAsync().AsTask();
        await subscribed.WaitAsync(patience.Token);

        await firstCall.CancelAsync();
        await Record.ExceptionAsync(() => firstRead);
        await first.DisposeAsync();
        await slots.Released.WaitUntilAsync(() => slots.OpenOf("watch-cap") < 2, TimeSpan.FromSeconds(30), "the node to give back the ended watch's slot");
        subscribed = hub.WatcherAdded;
        var afterOneEnded = producer.WatchAsync([], calls.Token).GetAsyncEnumerator(calls.Token);
        var afterRead = afterOneEnded.MoveNextAsync().AsTask();
        await Task.WhenAny(afterRead, subscribed).WaitAsync(patience.Token);

        Assert.Equal(WorcrErrorCode.ResourceExhausted, refused.Code);
        Assert.Contains("tenant 'watch-cap' already has 2 Watch calls open on this node", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxWatchesPerTenant", refused.Detail, StringComparison.Ordinal);
        Assert.Contains("WORCR_MAX_WATCHES_PER_TENANT", refused.Detail, StringComparison.Ordinal);
        Assert.False(afterRead.IsCompleted, $"the watch opened after one of the tenant's ended was refused: {afterRead.Exception?.InnerException?.Message}");
        Assert.False(secondRead.IsCompleted || otherRead.IsCompleted, "a watch admitted under the cap ended");
        Assert.Equal(2, slots.OpenOf("watch-cap"));
        Assert.Equal(1, slots.OpenOf("watch-cap-other"));
    }

    /// <summary>
    /// The operator key is the node owner's, and an application may wait for each of its jobs with a Watch of its own
    /// under it: a cap meant for tenants would refuse it past a few concurrent requests.
    /// </summary>
    [Fact]
    public async Task The_operator_keys_watches_are_not_capped()
    {
        await using var cluster = await TestCluster.StartAsync(configure: options =>
        {
            SecuredAdminFixture.Secure(options);
            options.MaxWatchesPerTenant = 1;
        });
        var operatorClient = cluster.Client(apiKey: SecuredAdminFixture.ApiKey);
        var hub = cluster.Nodes[0].Events.Hub;
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        for (var call = 1; call <= 3; call++)
        {
            var subscribed = hub.WatcherAdded;
            var watch = operatorClient.WatchAsync([], patience.Token).GetAsyncEnumerator(patience.Token);
            var read = watch.MoveNextAsync().AsTask();
            var settled = await Task.WhenAny(read, subscribed).WaitAsync(patience.Token);
            Assert.True(settled == subscribed, $"the operator's watch {call} was refused: {read.Exception?.InnerException?.Message}");
        }
    }
}
