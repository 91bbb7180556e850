using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Worcr.Core.Jobs;
using Worcr.Postgres;
using Worcr.Redis;
using Worcr.Scripting;
using Worcr.Server.Hosting;
using Worcr.Server.JobTypes;
using Worcr.Server.Lifecycle;
using Worcr.Server.Limits;
using Worcr.Server.Rules;
using Worcr.Testing;

namespace Worcr.Server.Tests.Maintenance;

/// <summary>A migrated schema of a maintainer test's own, and ways to make its jobs due without waiting for the clock.</summary>
internal static class MaintenanceDatabase
{
    public static async Task<WorcrDatabase> CreateAsync()
    {
        var db = WorcrDatabase.Create(await TestServices.PostgresAsync(), await TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        return db;
    }

    public static async Task<RedisConnection> ConnectRedisAsync() =>
        await RedisConnection.ConnectAsync(new RedisOptions { Url = await TestServices.RedisAsync(), KeyPrefix = TestServices.NewKeyPrefix() });

    /// <summary>The lifecycle a node would build over this schema (default settings, no rules), announcing to nobody.</summary>
    public static async Task<JobLifecycle> LifecycleAsync(this WorcrDatabase db, RedisConnection redis)
    {
        var options = new NodeOptions { RedisKeyPrefix = redis.Options.KeyPrefix };
        var rules = new RuleCatalog(db.Rules, [], SandboxLimits.Default, Log<RuleCatalog>());
        var limits = new NodeLimits(db.Limits, redis, Options.Create(options.Catalog), Options.Create(options.Storage), Options.Create(options.Leases), Log<NodeLimits>());
        await limits.StartAsync(CancellationToken.None);
        var jobTypes = new JobTypeRegistry(db.DataSource, db.Schema, acceptUnknown: true, TimeProvider.System);
        return new JobLifecycle(db.Jobs, NoEvents.Instance, Options.Create(options.Retries), Options.Create(options.Listener), Options.Create(options.Retention), rules, jobTypes, limits, TimeProvider.System, Log<JobLifecycle>());
    }

    public static NewJob Job(DateTimeOffset? runAt = null, DateTimeOffset? expiresAt = null) =>
        new("acme", "email", [], "{}", 1, 3, runAt, expiresAt, null, null);

    public static async Task<long> EnqueueAsync(this WorcrDatabase db, NewJob job) => (await db.Jobs.EnqueueAsync([job]))[0].Id;

    /// <summary>
    /// <paramref name="count"/> jobs whose <paramref name="column"/> (run_at or expires_at) is an hour ahead, then moved
    /// into the past together: a backlog a maintainer finds due all at once.
    /// </summary>
    public static async Task<IReadOnlyList<long>> EnqueueDueBacklogAsync(this WorcrDatabase db, int count, string column)
    {
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var job = column == "run_at" ? Job(runAt: inAnHour) : Job(expiresAt: inAnHour);
        var ids = (await db.Jobs.EnqueueAsync(Enumerable.Repeat(job, count).ToList())).Select(enqueued => enqueued.Id).ToArray();
        await using var command = db.DataSource.CreateCommand($"UPDATE \"{db.Schema}\".jobs SET {column} = now() - interval '1 second' WHERE id = ANY($1)");
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = ids });
        Assert.Equal(count, await command.ExecuteNonQueryAsync());
        return ids;
    }

    /// <summary>Moves a timestamp column of one job a second into PostgreSQL's past (the database's clock decides what is due).</summary>
    public static async Task MakePastAsync(this WorcrDatabase db, long jobId, string column)
    {
        await using var command = db.DataSource.CreateCommand($"UPDATE \"{db.Schema}\".jobs SET {column} = now() - interval '1 second' WHERE id = {jobId}");
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public static async Task<long> LaneIdAsync(this WorcrDatabase db, long jobId)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT lane_id FROM \"{db.Schema}\".jobs WHERE id = {jobId}");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public static IOptions<NodeIdentityOptions> Node(string nodeId) => Options.Create(new NodeIdentityOptions { NodeId = nodeId });

    public static NullLogger<T> Log<T>() => NullLogger<T>.Instance;

    private sealed class NoEvents : IJobEvents
    {
        public static readonly NoEvents Instance = new();

        public void StateChanged(JobStateRecord change)
        {
        }
    }
}
