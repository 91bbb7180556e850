using Worcr.Core.Jobs;

namespace Worcr.Postgres.Tests.Conformance;

/// <summary>PostgreSQL's <see cref="JobStore"/> against the lifecycle storage conformance suite, on a schema of its own.</summary>
public sealed class PostgresJobLifecycleStoreTests : JobLifecycleStoreConformance
{
    private WorcrDatabase? _db;

    private WorcrDatabase Db => _db ?? throw new InvalidOperationException("The database is not open yet.");

    protected override async Task<IJobLifecycleStore> OpenAsync()
    {
        _db = await TestDatabase.CreateAsync();
        return _db.Jobs;
    }

    protected override async Task<int> StartAsync(long jobId, string workerId = "w1", string nodeId = "n1")
    {
        var claimed = await Db.Jobs.ClaimAsync(await Db.LaneOfAsync(jobId), 1, workerId, nodeId, TimeSpan.FromMinutes(1));
        var job = Assert.Single(claimed);
        Assert.Equal(jobId, job.Id);
        return job.Attempt;
    }

    protected override Task ExpireLeaseAsync(long jobId) =>
        Db.ScalarAsync($"UPDATE __schema__.jobs SET lease_expires_at = now() - interval '1 second' WHERE id = {jobId}");

    [Fact]
    public async Task A_transaction_counts_as_committed_only_once_PostgreSQL_committed_it()
    {
        var committed = (string)(await Db.ScalarAsync("SELECT pg_current_xact_id()::text"))!;
        await using var connection = await Db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_current_xact_id()::text", connection, transaction);
        var open = (string)(await command.ExecuteScalarAsync())!;

        Assert.True(await Db.Jobs.IsCommittedAsync(committed));
        Assert.False(await Db.Jobs.IsCommittedAsync(open));
        await transaction.RollbackAsync();
        Assert.False(await Db.Jobs.IsCommittedAsync(open));
    }

    protected override async Task CloseAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
    }
}
