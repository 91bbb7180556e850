using System.Collections.Concurrent;
using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

public sealed class ClaimTests
{
    [Fact]
    public async Task A_claim_takes_the_oldest_jobs_and_starts_their_first_attempt()
    {
        await using var db = await CreateAsync();
        var ids = (await db.Jobs.EnqueueAsync([Job(), Job(), Job()])).Select(r => r.Id).ToArray();
        var lane = await db.LaneOfAsync(ids[0]);
        var claimed = await db.Jobs.ClaimAsync(lane, 2, "w1", "n1", TimeSpan.FromMinutes(1));
        Assert.Equal(ids[..2], claimed.Select(c => c.Id));
        Assert.All(claimed, c => Assert.Equal((1, lane, "acme"), (c.Attempt, c.Lane.Id, c.Lane.Tenant)));
        var job = (await db.Jobs.GetAsync(ids[0]))!;
        Assert.Equal((JobState.Running, "w1", "n1"), (job.State, job.WorkerId, job.NodeId));
        Assert.Equal(1L, await db.Jobs.CountAsync(JobState.Waiting));
    }

    [Fact]
    public async Task Expired_jobs_are_never_claimed()
    {
        await using var db = await CreateAsync();
        var expired = await db.EnqueueOneAsync(Job(expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var fresh = await db.EnqueueOneAsync(Job());
        var claimed = await db.Jobs.ClaimAsync(await db.LaneOfAsync(expired), 10, "w1", "n1", TimeSpan.FromMinutes(1));
        Assert.Equal([fresh], claimed.Select(c => c.Id));
    }

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_job()
    {
        await using var db = await CreateAsync();
        var ids = (await db.Jobs.EnqueueAsync(Enumerable.Range(0, 2_000).Select(_ => Job()).ToArray())).Select(r => r.Id).ToArray();
        var lane = await db.LaneOfAsync(ids[0]);
        var seen = new ConcurrentBag<long>();
        async Task ClaimUntilEmpty(string worker)
        {
            while (true)
            {
                var batch = await db.Jobs.ClaimAsync(lane, 25, worker, "n1", TimeSpan.FromMinutes(1));
                if (batch.Count == 0) return;
                foreach (var job in batch) seen.Add(job.Id);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => ClaimUntilEmpty($"w{i}"))));
        Assert.Equal(2_000, seen.Count);
        Assert.Equal(ids.Order(), seen.Order());
        Assert.Equal(2_000L, await db.Jobs.CountAsync(JobState.Running));
    }

    [Fact]
    public async Task A_lane_is_read_back_by_id()
    {
        await using var db = await CreateAsync();
        var lane = await db.LaneOfAsync(await db.EnqueueOneAsync(Job(tags: ["b", "a"], weight: 2.5)));
        var read = (await db.Jobs.GetLaneAsync(lane))!;
        Assert.Equal(("acme", "email", 2.5), (read.Tenant, read.Type, read.Weight));
        Assert.Equal(["a", "b"], read.Tags);
        Assert.Null(await db.Jobs.GetLaneAsync(lane + 1000));
    }

    [Fact]
    public async Task A_claims_asynchronous_commit_stays_in_its_own_transaction()
    {
        // One pooled connection that is not reset when returned, so the check below sees the very session that made
        // the claim; durable commits for that session (the shared test server has them off).
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(await Worcr.Testing.TestServices.PostgresAsync())
        {
            MaxPoolSize = 1,
            NoResetOnClose = true,
            Options = "-c synchronous_commit=on",
        }.ConnectionString;
        await using var db = WorcrDatabase.Create(connectionString, await Worcr.Testing.TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        var id = await db.EnqueueOneAsync();

        Assert.Single(await db.Jobs.ClaimAsync(await db.LaneOfAsync(id), 1, "w1", "n1", TimeSpan.FromMinutes(1)));

        Assert.Equal("on", await db.ScalarAsync("SHOW synchronous_commit"));
        Assert.Equal(JobState.Running, (await db.Jobs.GetAsync(id))!.State);
    }
}
