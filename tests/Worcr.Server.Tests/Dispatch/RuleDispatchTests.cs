using System.Collections.Concurrent;
using Worcr.Protocol.V1;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Worker;

namespace Worcr.Server.Tests.Dispatch;

public sealed class RuleDispatchTests
{
    private static JobSpec Job(string type, params string[] tags)
    {
        var spec = new JobSpec { Type = type, Tenant = "acme" };
        spec.Tags.AddRange(tags);
        return spec;
    }

    [Fact]
    public async Task A_forbid_rule_keeps_plain_jobs_off_premium_workers_across_two_nodes()
    {
        const int jobCount = 10_000;
        using var rules = new RuleFiles().WithExample("premium-workers-only-premium.lua");
        await using var cluster = await TestCluster.StartAsync(nodes: 2, configure: o => o.RulesDirectory = rules.Path);
        var violations = 0;
        var done = 0;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JobHandler Handler(bool premiumWorker) => context =>
        {
            if (premiumWorker && !context.Tags.Contains("premium")) Interlocked.Increment(ref violations);
            if (Interlocked.Increment(ref done) == jobCount) allDone.TrySetResult();
            return Task.FromResult(JobResult.Complete());
        };
        for (var node = 0; node < 2; node++)
        {
            cluster.StartWorker(node, w => w.Handle("test.echo", Handler(premiumWorker: true)), tags: ["premium"]);
            cluster.StartWorker(node, w => w.Handle("test.echo", Handler(premiumWorker: false)), tags: ["plain"]);
        }

        await cluster.Client().EnqueueBatchAsync(Enumerable.Range(0, jobCount).Select(i => i % 2 == 0 ? Job("test.echo", "premium") : Job("test.echo")));
        await allDone.Task.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(0, violations);
    }

    [Fact]
    public async Task Jobs_only_forbidden_workers_are_connected_for_wait_until_a_suitable_worker_connects()
    {
        using var rules = new RuleFiles().WithExample("premium-workers-only-premium.lua");
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        var client = cluster.Client();
        var plainIds = await client.EnqueueBatchAsync(Enumerable.Range(0, 5).Select(_ => Job("test.echo")));
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), tags: ["premium"]);

        // The premium worker takes a premium job enqueued after the plain ones: the dispatcher had its chance and said no.
        var sentinel = await client.EnqueueAsync(Job("test.echo", "premium"));
        await client.WaitForStateAsync(sentinel, JobState.Completed);
        foreach (var id in plainIds) Assert.Equal(JobState.Waiting, (await client.GetAsync(id)).State);

        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), tags: ["plain"]);
        foreach (var id in plainIds) await client.WaitForStateAsync(id, JobState.Completed);
    }

    [Fact]
    public async Task A_rule_saved_through_one_node_changes_dispatch_on_another_within_a_second()
    {
        await using var cluster = await TestCluster.StartAsync(nodes: 2);
        var client = cluster.Client(1);
        cluster.StartWorker(1, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())), tags: ["plain"]);
        var before = cluster.Nodes[1].RulesVersion;

        await cluster.Database.Rules.SaveAsync("no-bulk-on-plain", "weight", "tag_match",
            """{"job_all":["bulk"],"worker_all":["plain"],"action":"forbid"}""", order: 0, enabled: true);
        // The node reloads on a NOTIFY; 10 s, not 1, so a busy machine is not a failure.
        await cluster.Nodes[1].Signals.RulesReloaded.WaitUntilAsync(() => cluster.Nodes[1].RulesVersion != before, TimeSpan.FromSeconds(10), "the second node's rules reload");

        var forbidden = await client.EnqueueAsync(Job("test.echo", "bulk"));
        var sentinel = await client.EnqueueAsync(Job("test.echo"));
        await client.WaitForStateAsync(sentinel, JobState.Completed);
        Assert.Equal(JobState.Waiting, (await client.GetAsync(forbidden)).State);
    }

    [Fact]
    public async Task An_enqueue_rule_makes_a_daily_digest_expire_twelve_hours_after_enqueue()
    {
        using var rules = new RuleFiles().WithExample("daily-digest-expiry.lua");
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.RulesDirectory = rules.Path;
            o.JobTypes.Add("email.digest");
        });
        var client = cluster.Client();

        var job = await client.GetAsync(await client.EnqueueAsync("email.digest", "acme"));
        var other = await client.GetAsync(await client.EnqueueAsync("test.echo", "acme"));

        var lifetime = job.ExpiresAt.ToDateTimeOffset() - job.EnqueuedAt.ToDateTimeOffset();
        Assert.InRange(lifetime, TimeSpan.FromHours(12) - TimeSpan.FromSeconds(2), TimeSpan.FromHours(12) + TimeSpan.FromSeconds(2));
        Assert.Null(other.ExpiresAt);
    }

    [Fact]
    public async Task A_retry_rule_schedules_a_failed_payment_thirty_seconds_later()
    {
        using var rules = new RuleFiles().WithExample("payment-retry.js");
        await using var cluster = await TestCluster.StartAsync(configure: o =>
        {
            o.RulesDirectory = rules.Path;
            o.JobTypes.Add("payment.charge");
        });
        var failedAt = new ConcurrentQueue<DateTimeOffset>();
        cluster.StartWorker(0, w => w.Handle("payment.charge", _ =>
        {
            failedAt.Enqueue(DateTimeOffset.UtcNow);
            return Task.FromResult(JobResult.Fail("card declined"));
        }));
        var client = cluster.Client();

        var id = await client.EnqueueAsync(new JobSpec { Type = "payment.charge", Tenant = "acme", MaxAttempts = 10 });
        var job = await client.WaitForStateAsync(id, JobState.Failed);
        var seenAt = DateTimeOffset.UtcNow;

        // Bounded from the handler's return below and from the moment the stored failure was seen above, so the time
        // the node took to store it (long on a busy machine) cannot push the figure out of range.
        var runAt = job.RunAt.ToDateTimeOffset();
        Assert.True(runAt - failedAt.First() >= TimeSpan.FromSeconds(28), $"retry due {(runAt - failedAt.First()).TotalSeconds:F2} s after the failure");
        Assert.True(runAt - seenAt <= TimeSpan.FromSeconds(32), $"retry due {(runAt - seenAt).TotalSeconds:F2} s after the failure was seen stored");
    }

    [Fact]
    public async Task A_weight_rule_that_loops_forever_falls_back_to_factor_one_and_says_so_on_the_job()
    {
        using var rules = new RuleFiles().With("spin.lua", "-- worcr-rule: name=spin kind=weight order=1\nfunction weight(job, worker)\n  while true do end\nend\n");
        await using var cluster = await TestCluster.StartAsync(configure: o => o.RulesDirectory = rules.Path);
        cluster.StartWorker(0, w => w.Handle("test.echo", _ => Task.FromResult(JobResult.Complete())));
        var client = cluster.Client();

        var id = await client.EnqueueAsync("test.echo", "acme");
        await client.WaitForStateAsync(id, JobState.Completed);

        // Log lines are written in batches shortly after they arrive: read until the note is there.
        var jobId = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
        var logs = await Eventually.ReadUntilAsync(() => cluster.Database.Jobs.ReadLogsAsync(jobId, 10),
            lines => lines.Any(l => l.Text.Contains("spin", StringComparison.Ordinal) && l.Text.Contains("budget", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the rule's budget note in the job's log");
        Assert.Contains(logs, l => l.Text.Contains("spin", StringComparison.Ordinal));
    }
}
