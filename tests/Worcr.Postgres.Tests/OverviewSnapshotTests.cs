using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests;

/// <summary>The overview's statements (live jobs, then history) read one snapshot, so a job that finishes between them is counted once.</summary>
public sealed class OverviewSnapshotTests
{
    private static long Bucket => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60;

    [Fact]
    public async Task A_job_that_finishes_between_the_live_count_and_the_history_read_is_counted_once()
    {
        await using var db = await TestDatabase.CreateAsync();
        var id = await db.EnqueueOneAsync();
        await using var mover = await db.DataSource.OpenConnectionAsync();
        await using var move = await mover.BeginTransactionAsync();
        // Holding job_history stops the overview after it counted the live jobs, before it reads the history.
        await Execute(mover, move, $"LOCK TABLE {db.Schema}.job_history IN ACCESS EXCLUSIVE MODE");

        var reading = db.Jobs.Browser.ReadOverviewAsync(60, Bucket, Bucket, TestDatabase.Timeout());
        await WaitUntilBlockedOnHistoryAsync(db);
        await Execute(mover, move, $"""
            WITH moved AS (DELETE FROM {db.Schema}.jobs WHERE id = {id} RETURNING *)
            INSERT INTO {db.Schema}.job_history (id, lane_id, tenant, type, args, state, attempt, failures, max_attempts, weight, enqueued_at, run_at)
            SELECT id, lane_id, tenant, type, args, 'cancelled', attempt, failures, max_attempts, weight, enqueued_at, run_at FROM moved
            """);
        await move.CommitAsync();
        var counts = await reading;

        Assert.Equal(1, counts.Live.GetValueOrDefault(JobState.Waiting));
        Assert.Empty(counts.Finished);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Until another session waits for a lock on job_history (PostgreSQL's own record of it, no event to await).</summary>
    private static async Task WaitUntilBlockedOnHistoryAsync(PooledDatabase db)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Convert.ToInt64(await db.ScalarAsync($"SELECT count(*) FROM pg_locks WHERE relation = '{db.Schema}.job_history'::regclass AND NOT granted"),
                   System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            await Task.Delay(20, deadline.Token);
        }
    }
}
