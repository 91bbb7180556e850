using System.Text.Json;
using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>Each transition's own statement writes its webhook events: no trigger is left to do it.</summary>
public sealed class WebhookOutboxTests
{
    private static readonly string[] FinishEvents = ["job.completed", "job.dead", "job.expired", "job.cancelled", "job.failed"];

    [Fact]
    public async Task The_schema_has_no_trigger_and_no_trigger_function_left()
    {
        await using var db = await CreateAsync();

        Assert.Equal(0L, await db.ScalarAsync(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = '__schema__'::regnamespace AND NOT t.tgisinternal"));
        Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM pg_proc WHERE pronamespace = '__schema__'::regnamespace AND proname LIKE 'webhook%'"));
    }

    [Fact]
    public async Task A_completion_batch_writes_one_event_per_accepted_job_with_the_snapshot_receivers_get()
    {
        await using var db = await CreateAsync();
        await SubscribeAsync(db, FinishEvents);
        var run = await db.RunOneAsync(Job(uniqueKey: "k-1"));
        var other = await db.RunOneAsync();

        Assert.Equal([true, false], await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, """{"sent":true}"""), new Completion(other.Id, 9, null)]));

        var (name, job) = Assert.Single(await OutboxAsync(db));
        Assert.Equal("job.completed", name);
        Assert.Equal(run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), job.GetProperty("id").GetString());
        Assert.Equal(("acme", "email", "completed", 1, 0, 3), (job.GetProperty("tenant").GetString(), job.GetProperty("type").GetString(),
            job.GetProperty("state").GetString(), job.GetProperty("attempt").GetInt32(), job.GetProperty("failures").GetInt32(), job.GetProperty("max_attempts").GetInt32()));
        Assert.Equal(("k-1", """{"sent":true}"""), (job.GetProperty("unique_key").GetString(), job.GetProperty("result").GetString()));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("last_error").ValueKind);
        Assert.True(job.GetProperty("enqueued_at").TryGetDateTimeOffset(out _));
    }

    [Fact]
    public async Task A_failure_writes_job_failed_while_retries_are_left_and_job_dead_when_not()
    {
        await using var db = await CreateAsync();
        await SubscribeAsync(db, FinishEvents);
        var retried = await db.RunOneAsync();
        var buried = await db.RunOneAsync();

        await db.Jobs.FailAsync(retried.Id, retried.Attempt, "try later", retryable: true, TimeSpan.FromMinutes(5));
        await db.Jobs.FailAsync(buried.Id, buried.Attempt, "broken for good", retryable: false, TimeSpan.Zero);

        var outbox = await OutboxAsync(db);
        Assert.Equal(["job.failed", "job.dead"], outbox.Select(r => r.Event));
        Assert.Equal(("failed", 1, "try later"), (outbox[0].Job.GetProperty("state").GetString(), outbox[0].Job.GetProperty("failures").GetInt32(), outbox[0].Job.GetProperty("last_error").GetString()));
        Assert.Equal(("dead", 1, "broken for good"), (outbox[1].Job.GetProperty("state").GetString(), outbox[1].Job.GetProperty("failures").GetInt32(), outbox[1].Job.GetProperty("last_error").GetString()));
    }

    [Fact]
    public async Task A_lost_worker_writes_job_dead_only_for_the_jobs_out_of_attempts()
    {
        await using var db = await CreateAsync();
        await SubscribeAsync(db, FinishEvents);
        var lastChance = await db.RunOneAsync(Job(maxAttempts: 1));
        await db.RunOneAsync(Job(maxAttempts: 3));

        var changes = await db.Jobs.ReleaseWorkerJobsAsync("w1", "n1", "worker gone");

        Assert.Equal(2, changes.Count);
        var (name, job) = Assert.Single(await OutboxAsync(db));
        Assert.Equal(("job.dead", lastChance.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "worker gone"),
            (name, job.GetProperty("id").GetString(), job.GetProperty("last_error").GetString()));
    }

    [Fact]
    public async Task An_expired_job_writes_job_expired_for_its_tenant_only()
    {
        await using var db = await CreateAsync();
        await db.Database.Webhooks.UpsertAsync(new WebhookSubscription("t1-only", "http://127.0.0.1:9/", "s", ["job.expired"], "t1", true));
        await db.EnqueueOneAsync(Job(tenant: "t1", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        await db.EnqueueOneAsync(Job(tenant: "t2", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));

        Assert.Equal(2, (await db.Jobs.ExpireJobsAsync(10)).Count);

        var (name, job) = Assert.Single(await OutboxAsync(db));
        Assert.Equal(("job.expired", "t1", "expired"), (name, job.GetProperty("tenant").GetString(), job.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Nothing_is_written_when_no_subscription_is_enabled()
    {
        await using var db = await CreateAsync();
        await db.Database.Webhooks.UpsertAsync(new WebhookSubscription("off", "http://127.0.0.1:9/", "s", FinishEvents, null, false));
        var run = await db.RunOneAsync();

        await db.Jobs.CompleteAsync([new Completion(run.Id, run.Attempt, null)]);
        await db.Jobs.CancelAsync(await db.EnqueueOneAsync(), "not needed");

        Assert.Empty(await OutboxAsync(db));
    }

    private static Task SubscribeAsync(PooledDatabase db, string[] events) =>
        db.Database.Webhooks.UpsertAsync(new WebhookSubscription("all", "http://127.0.0.1:9/", "secret", events, null, true));

    private static async Task<List<(string Event, JsonElement Job)>> OutboxAsync(PooledDatabase db)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT event, job::text FROM \"{db.Schema}\".webhook_outbox ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, JsonElement)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), JsonDocument.Parse(reader.GetString(1)).RootElement.Clone()));
        return rows;
    }
}
