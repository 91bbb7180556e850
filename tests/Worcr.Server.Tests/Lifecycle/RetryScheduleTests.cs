using System.Globalization;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Lifecycle;

public sealed class RetryScheduleTests
{
    /// <summary>
    /// Time from the handler's return to the fail's transaction on a busy 2-core machine: the upper bound of each
    /// delay is the backoff's ceiling plus this, since the failure time is read in the handler, just before the node saw it.
    /// </summary>
    private static readonly TimeSpan ReportSlack = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task The_default_backoff_grows_with_each_failure_within_its_jittered_bounds()
    {
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(200);
            o.RetryMaxDelay = TimeSpan.FromSeconds(10);
        });
        var client = cluster.Client();
        var failedAt = new DateTimeOffset[4];
        var runAt = new DateTimeOffset[4];
        cluster.StartWorker(0, w => w.Handle("test.echo", async context =>
        {
            var attempt = context.Attempt;
            // Claiming leaves run_at alone: while attempt n+1 runs, run_at is still what failure n set.
            if (attempt > 1) runAt[attempt - 1] = (await cluster.Database.Jobs.GetAsync(long.Parse(context.JobId, CultureInfo.InvariantCulture)))!.RunAt;
            if (attempt > 3) return JobResult.Complete();
            failedAt[attempt] = DateTimeOffset.UtcNow;
            return JobResult.Fail($"failure {attempt}");
        }), concurrency: 1);
        var id = await client.EnqueueAsync(new JobSpec { Type = "test.echo", Tenant = "acme", MaxAttempts = 5 });

        var job = await client.WaitForStateAsync(id, JobState.Completed);

        Assert.Equal(4, job.Attempt);
        for (var failure = 1; failure <= 3; failure++)
        {
            var ceiling = TimeSpan.FromMilliseconds(200 * Math.Pow(2, failure - 1));
            var delay = runAt[failure] - failedAt[failure];
            Assert.True(delay >= ceiling / 2, $"failure {failure}: retry after {delay.TotalMilliseconds} ms, under {ceiling.TotalMilliseconds / 2} ms");
            Assert.True(delay <= ceiling + ReportSlack, $"failure {failure}: retry after {delay.TotalMilliseconds} ms, over {ceiling.TotalMilliseconds} ms");
        }
    }
}
