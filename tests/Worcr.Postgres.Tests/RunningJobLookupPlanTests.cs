using Npgsql;
using NpgsqlTypes;
using Worcr.Core.Jobs;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>
/// A statement that finds a running attempt by its job id reads that job through the primary key, even with
/// statistics from while every job waited (RunningAttemptSql). With <c>state = 'running'</c> the planner read the
/// whole of jobs_worker instead, every running job, for each completion, failure, yield and checkpoint.
/// </summary>
public sealed class RunningJobLookupPlanTests(RunningJobLookupPlanTests.ManyRunning running) : IClassFixture<RunningJobLookupPlanTests.ManyRunning>
{
    private static readonly LeaseHolder Holder = new("w1", "n1");

    /// <summary>20,000 jobs, all running for one holder, with the statistics of while they all waited.</summary>
    public sealed class ManyRunning : IAsyncLifetime
    {
        private const int Count = 20_000;

        public WorcrDatabase Db { get; private set; } = null!;
        public long[] Ids { get; private set; } = [];

        public async Task InitializeAsync()
        {
            Db = await CreateWithoutAutovacuumAsync();
            // The statistics of a bulk enqueue, taken while every job waits and none runs; then a busy fleet claims them all.
            Ids = await Db.RunManyAsync(Count, Holder, async () => await Db.ScalarAsync("ANALYZE __schema__.jobs"));
        }

        public async Task DisposeAsync() => await Db.DisposeAsync();
    }

    private WorcrDatabase Db => running.Db;

    // Reading jobs_worker in full touched 420–490 blocks here for each statement. By the primary key a completion of 10
    // touches about 120 (its rows, their index entries, the history rows it writes) and the others 7–18.

    [Fact]
    public async Task A_completion_reads_its_jobs_by_key_while_the_statistics_say_none_runs()
    {
        var ids = running.Ids[..10];
        var touched = await BlocksTouchedAsync(JobCompleter.CompleteSql, command => BindCompletions(command, ids, Holder), expectedRows: 10);
        Assert.InRange(touched, 1, 250);
    }

    [Fact]
    public async Task A_failure_locks_its_job_by_key_while_the_statistics_say_none_runs() =>
        Assert.InRange(await BlocksTouchedAsync(JobFailer.LockSql, OneAttempt, expectedRows: 1), 1, 100);

    [Fact]
    public async Task A_yield_finds_its_job_by_key_while_the_statistics_say_none_runs() =>
        Assert.InRange(await BlocksTouchedAsync(JobYielder.YieldSql, command => OneAttempt(command).With("delay", TimeSpan.Zero), expectedRows: 1), 1, 100);

    [Fact]
    public async Task A_checkpoint_finds_its_job_by_key_while_the_statistics_say_none_runs() =>
        Assert.InRange(await BlocksTouchedAsync(CheckpointWriter.SaveSql, command => OneAttempt(command).With("name", "page").With("value", "7"), expectedRows: 0), 1, 100);

    /// <summary>The completion statement's parameters: each of <paramref name="ids"/> at attempt 1, by <paramref name="holder"/>.</summary>
    internal static NpgsqlCommand BindCompletions(NpgsqlCommand command, long[] ids, LeaseHolder holder) => command
        .WithArray("ids", NpgsqlDbType.Bigint, ids)
        .WithArray("attempts", NpgsqlDbType.Integer, ids.Select(_ => 1).ToArray())
        .WithArray("results", NpgsqlDbType.Text, ids.Select(_ => "{}").ToArray())
        .WithArray("workers", NpgsqlDbType.Text, ids.Select(_ => holder.WorkerId).ToArray())
        .WithArray("nodes", NpgsqlDbType.Text, ids.Select(_ => holder.NodeId).ToArray());

    private NpgsqlCommand OneAttempt(NpgsqlCommand command) => command.With("id", running.Ids[^1]).With("attempt", 1).WithHolder(Holder);

    /// <summary>
    /// The blocks of the schema's tables and indexes that one statement reads (hits included), within a transaction
    /// that is rolled back; <paramref name="expectedRows"/> checks it found its jobs (a checkpoint returns none).
    /// </summary>
    private async Task<long> BlocksTouchedAsync(string statement, Func<NpgsqlCommand, NpgsqlCommand> bind, int expectedRows)
    {
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var before = await SchemaBlocks.FetchedAsync(connection, transaction, Db.Schema);
        await using (var command = bind(new NpgsqlCommand(new SchemaSql(Db.Schema).Format(statement), connection, transaction)))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            var rows = 0;
            while (await reader.ReadAsync()) rows++;
            Assert.Equal(expectedRows, rows);
            Assert.True(expectedRows > 0 || reader.RecordsAffected == 1, "the checkpoint was not written");
        }
        var touched = await SchemaBlocks.FetchedAsync(connection, transaction, Db.Schema) - before;
        await transaction.RollbackAsync();
        return touched;
    }
}
