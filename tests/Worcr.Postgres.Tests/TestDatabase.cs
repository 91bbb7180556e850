using Npgsql;
using Worcr.Core.Dispatch;
using Worcr.Core.Jobs;
using Worcr.Core.Retries;
using Worcr.Testing;

namespace Worcr.Postgres.Tests;

/// <summary>A migrated Worcr schema of the test's own on the shared PostgreSQL (from the pool), plus shortcuts tests need.</summary>
internal static class TestDatabase
{
    public static async Task<PooledDatabase> CreateAsync()
    {
        var schema = await MigratedSchemas.RentAsync();
        return new PooledDatabase(WorcrDatabase.Create(schema.ConnectionString, schema.Name), schema);
    }

    /// <summary>
    /// A migrated schema of the test's own whose jobs table autovacuum leaves alone, for tests of what statistics and
    /// cached plans do: autovacuum would change both at a moment of its choosing. (A pooled schema would also carry the
    /// dead index entries of earlier tests, which any scan walks too.)
    /// </summary>
    public static async Task<WorcrDatabase> CreateWithoutAutovacuumAsync()
    {
        var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        await db.ScalarAsync("ALTER TABLE __schema__.jobs SET (autovacuum_enabled = off)");
        return db;
    }

    public static NewJob Job(
        string type = "email", string tenant = "acme", string[]? tags = null, double weight = 1, int maxAttempts = 3,
        DateTimeOffset? runAt = null, DateTimeOffset? expiresAt = null, string? uniqueKey = null, TimeSpan? uniqueWindow = null,
        string args = """{"to":"a@example.com"}""") =>
        new(tenant, type, tags ?? ["eu"], args, weight, maxAttempts, runAt, expiresAt, uniqueKey, uniqueWindow);

    public static Task<long> EnqueueOneAsync(this PooledDatabase db, NewJob? job = null) => db.Database.EnqueueOneAsync(job);

    public static Task<long> LaneOfAsync(this PooledDatabase db, long jobId) => db.Database.LaneOfAsync(jobId);

    public static Task<ClaimedJob> RunOneAsync(this PooledDatabase db, NewJob? job = null, string worker = "w1", string node = "n1") =>
        db.Database.RunOneAsync(job, worker, node);

    public static Task<object?> ScalarAsync(this PooledDatabase db, string sql) => db.Database.ScalarAsync(sql);

    public static async Task<long> EnqueueOneAsync(this WorcrDatabase db, NewJob? job = null) =>
        (await db.Jobs.EnqueueAsync([job ?? Job()]))[0].Id;

    public static async Task<long> LaneOfAsync(this WorcrDatabase db, long jobId) =>
        (long)(await db.ScalarAsync($"SELECT lane_id FROM __schema__.jobs WHERE id = {jobId}"))!;

    /// <summary>Enqueues one job and claims it: the running attempt 1.</summary>
    public static async Task<ClaimedJob> RunOneAsync(this WorcrDatabase db, NewJob? job = null, string worker = "w1", string node = "n1")
    {
        var id = await db.EnqueueOneAsync(job);
        var claimed = await db.Jobs.ClaimAsync(await db.LaneOfAsync(id), 1, worker, node, TimeSpan.FromMinutes(1));
        return Assert.Single(claimed);
    }

    /// <summary>
    /// Enqueues <paramref name="count"/> jobs into one lane in bulk and claims them all for <paramref name="holder"/>:
    /// their ids, each at attempt 1. <paramref name="beforeClaim"/> runs while they all wait (to take statistics then).
    /// </summary>
    public static async Task<long[]> RunManyAsync(this WorcrDatabase db, int count, LeaseHolder holder, Func<Task>? beforeClaim = null)
    {
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync());
        for (var stored = 1; stored < count; stored += 10_000)
        {
            await db.Jobs.EnqueueAsync(Enumerable.Range(0, Math.Min(10_000, count - stored)).Select(_ => Job()).ToArray());
        }
        if (beforeClaim is not null) await beforeClaim();
        var claimed = new List<long>();
        while (claimed.Count < count)
        {
            var batch = await db.Jobs.ClaimAsync(lane, 1_000, holder.WorkerId, holder.NodeId, TimeSpan.FromMinutes(5));
            Assert.NotEmpty(batch);
            claimed.AddRange(batch.Select(job => job.Id));
        }
        return [.. claimed];
    }

    /// <summary>A failure decided the plain way: dead when not retryable or out of attempts, else retried after <paramref name="delay"/>.</summary>
    public static Task<FailOutcome> FailAsync(this JobStore store, long jobId, int attempt, string error, bool retryable, TimeSpan delay) =>
        store.FailAsync(new JobFailure(jobId, attempt, error),
            budget => !retryable || budget.IsSpentBy(1) ? FailDecision.Dead : FailDecision.RetryAfter(delay));

    public static async Task<object?> ScalarAsync(this WorcrDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql.Replace("__schema__", $"\"{db.Schema}\"", StringComparison.Ordinal));
        return await command.ExecuteScalarAsync();
    }

    public static async Task NotifyAsync(this WorcrDatabase db, string channel, string payload)
    {
        await using var command = db.DataSource.CreateCommand("SELECT pg_notify(@c, @p)");
        command.Parameters.AddWithValue("c", channel);
        command.Parameters.AddWithValue("p", payload);
        await command.ExecuteNonQueryAsync();
    }

    public static CancellationToken Timeout(int seconds = 15) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
