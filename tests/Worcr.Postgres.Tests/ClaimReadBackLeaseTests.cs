using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A claim whose answer was lost is read back by its token (<see cref="JobClaimer.ClaimedByTokenSql"/>), up to half a
/// lease after the claim, and the node's lease fence counts from the Assign that follows. The read-back therefore
/// starts each job's lease again: left counted from the claim, it could lapse in PostgreSQL while the worker still ran
/// the job, and the reaper would hand it to a second worker.
/// </summary>
public sealed class ClaimReadBackLeaseTests
{
    [Fact]
    public async Task A_claim_read_back_by_its_token_gives_each_job_a_whole_lease_again()
    {
        await using var db = await CreateAsync();
        var id = await db.EnqueueOneAsync();
        var lane = await db.LaneOfAsync(id);
        var sql = new SchemaSql(db.Database.Schema);
        var token = Guid.NewGuid();
        await using (var claim = db.Database.DataSource.CreateCommand(sql.Format(JobClaimer.ClaimSql))
                         .With("lane_id", lane).With("limit", 1).With("worker_id", "w1").With("node_id", "n1")
                         .With("lease", TimeSpan.FromMinutes(1)).With("token", token))
        {
            await claim.ExecuteNonQueryAsync();
        }
        // As if the answer had been lost and the read-back came late: a second of the claim's lease is left.
        await db.ScalarAsync($"UPDATE __schema__.jobs SET lease_expires_at = now() + interval '1 second' WHERE id = {id}");

        await using (var readBack = db.Database.DataSource.CreateCommand(sql.Format(JobClaimer.ClaimedByTokenSql))
                         .With("lane_id", lane).With("lease", TimeSpan.FromMinutes(1)).With("worker_id", "w1").With("node_id", "n1")
                         .With("token", token))
        {
            Assert.Equal(id, await readBack.ExecuteScalarAsync());
        }

        var left = Convert.ToDouble(await db.ScalarAsync($"SELECT extract(epoch FROM lease_expires_at - now()) FROM __schema__.jobs WHERE id = {id}"),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(left, 50, 60);
    }
}
