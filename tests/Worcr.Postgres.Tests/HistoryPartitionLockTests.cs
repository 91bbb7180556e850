using Npgsql;
using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests;

/// <summary>
/// Adding and dropping day partitions of job_history while a long reader holds the table (a report, pg_dump, a slow
/// GUI query): a partition change queued for its lock queues every later read or completion behind it, so it must
/// give way quickly instead.
/// </summary>
public sealed class HistoryPartitionLockTests
{
    [Fact]
    public async Task Adding_a_partition_gives_way_to_a_long_reader_and_reads_of_finished_jobs_go_on_meanwhile()
    {
        await using var db = await TestDatabase.CreateAsync();
        var claimed = await db.RunOneAsync();
        await db.Jobs.CompleteAsync([new Completion(claimed.Id, claimed.Attempt, "\"ok\"")]);
        var day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10);
        await using var reader = await LongReaderAsync(db);

        var adding = db.Database.Retention.AddHistoryPartitionsAsync(day, day);
        await WaitForLockWaiterAsync(db, adding);
        var read = db.Jobs.GetAsync(claimed.Id);

        // Both end while the reader still holds job_history: the add gave up its place in the lock queue.
        Assert.Equal(JobState.Completed, (await read.WaitAsync(TimeSpan.FromSeconds(20)))!.State);
        var added = await adding;
        Assert.Equal((0, HistoryPartition.Of("completed", day)), (added.Count, added.GaveWayAt));
        Assert.DoesNotContain(await db.Database.Retention.ListHistoryPartitionsAsync("completed"), p => p.Day == day);

        await reader.DisposeAsync();
        Assert.Equal(new HistoryPartitionsAdded(4, null), await db.Database.Retention.AddHistoryPartitionsAsync(day, day));
    }

    [Fact]
    public async Task Dropping_a_partition_gives_way_to_a_long_reader_before_completions_queued_behind_it_wait_long()
    {
        await using var db = await TestDatabase.CreateAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await db.Database.Retention.AddHistoryPartitionsAsync(today.AddDays(-40), today.AddDays(-40));
        var old = (await db.Database.Retention.ListHistoryPartitionsAsync("completed")).First();
        var claimed = await db.RunOneAsync();
        await using var reader = await LongReaderAsync(db);

        var dropping = db.Database.Retention.DropHistoryPartitionAsync(old);
        await WaitForLockWaiterAsync(db, dropping);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var completed = await db.Jobs.CompleteAsync([new Completion(claimed.Id, claimed.Attempt, "\"ok\"")]);
        var waited = watch.Elapsed;

        Assert.False(await dropping);
        Assert.True(Assert.Single(completed));
        // The one duration this checks is the point: with a 1 s lock timeout the completion waited about 950 ms. The
        // bound is ten times the drop's 50 ms, so a loaded machine's scheduling does not decide the outcome.
        Assert.True(waited < TimeSpan.FromMilliseconds(500), $"the completion waited {waited.TotalMilliseconds:0} ms behind the drop");
    }

    /// <summary>A transaction that has read job_history and stays open: it holds a share lock on every partition.</summary>
    private static async Task<LongReader> LongReaderAsync(PooledDatabase db)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{db.Schema}\".job_history", connection, transaction);
        await command.ExecuteScalarAsync();
        return new LongReader(connection, transaction);
    }

    private sealed class LongReader(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Until a statement of this schema waits on a lock (or <paramref name="change"/> ended first).</summary>
    private static async Task WaitForLockWaiterAsync(PooledDatabase db, Task change)
    {
        var sql = $"SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND position('\"{db.Schema}\"' in query) > 0";
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((long)(await db.ScalarAsync(sql))! < 1 && !change.IsCompleted) await poll.WaitForNextTickAsync(timeout.Token);
    }
}
