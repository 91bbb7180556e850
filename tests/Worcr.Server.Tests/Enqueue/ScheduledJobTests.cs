using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Enqueue;

public sealed class ScheduledJobTests
{
    [Fact]
    public async Task A_job_scheduled_ahead_stays_scheduled_then_runs_never_before_its_run_at()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client();
        var started = new ConcurrentDictionary<string, DateTimeOffset>();
        cluster.StartWorker(0, w => w.Handle("test.echo", context =>
        {
            started[context.JobId] = DateTimeOffset.UtcNow;
            return Task.FromResult(JobResult.Complete());
        }));
        var soonAt = DateTimeOffset.UtcNow.AddMilliseconds(1500);

        // Two schedules, so no assertion depends on how fast a busy machine gets to it: one due in 1.5 s, one in an hour.
        var later = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(1)) });
        var soon = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", RunAt = Timestamp.FromDateTimeOffset(soonAt) });
        await client.WaitForStateAsync(soon, JobState.Completed);

        Assert.True(started[soon] >= soonAt, $"the handler started at {started[soon]:O}, before run_at {soonAt:O}");
        // The worker was idle and took the other job meanwhile: the one due in an hour was left alone.
        Assert.Equal(JobState.Scheduled, (await client.GetAsync(later)).State);
        Assert.False(started.ContainsKey(later));
    }
}
