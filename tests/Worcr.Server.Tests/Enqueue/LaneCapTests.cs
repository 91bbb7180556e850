using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Enqueue;

public sealed class LaneCapTests
{
    [Fact]
    public async Task A_tenant_varying_weights_past_its_lane_cap_gets_resource_exhausted_naming_the_cap_and_setting()
    {
        await using var cluster = await TestCluster.StartAsync(configure: options => options.MaxLanesPerTenant = 2);
        var client = cluster.Client();
        await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", Weight = 1 });
        await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", Weight = 2 });

        var error = await Assert.ThrowsAsync<WorcrNodeException>(() => client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", Weight = 3 }));

        Assert.Equal(WorcrErrorCode.ResourceExhausted, error.Code);
        Assert.Contains("at most 2", error.Detail, StringComparison.Ordinal);
        Assert.Contains("MaxLanesPerTenant", error.Detail, StringComparison.Ordinal);
        Assert.Contains("WORCR_MAX_LANES_PER_TENANT", error.Detail, StringComparison.Ordinal);
        // The tenant's existing lanes and other tenants keep working.
        await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", Weight = 2 });
        await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "globex", Weight = 3 });
    }
}
