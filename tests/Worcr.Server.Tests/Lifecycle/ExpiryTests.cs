using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Lifecycle;

public sealed class ExpiryTests
{
    [Fact]
    public async Task A_job_expiring_while_no_worker_is_connected_ends_expired_and_a_worker_connecting_later_never_gets_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var doomed = await client.EnqueueAsync(new JobSpec
        {
            Type = "test.echo",
            Tenant = "acme",
            ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMilliseconds(300)),
        });
        var expired = await client.WaitForStateAsync(doomed, JobState.Expired);

        var handed = new List<string>();
        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
        {
            lock (handed) handed.Add(context.JobId);
            return Task.FromResult(JobResult.Complete());
        }));
        // A job enqueued after the expired one completing proves the worker is connected and being dispatched to.
        var sentinel = await client.EnqueueAsync("test.echo", "acme");
        await client.WaitForStateAsync(sentinel, JobState.Completed);

        Assert.Equal(0, expired.Attempt);
        lock (handed) Assert.Equal([sentinel], handed);
        Assert.Equal(JobState.Expired, (await client.GetAsync(doomed)).State);
    }
}
