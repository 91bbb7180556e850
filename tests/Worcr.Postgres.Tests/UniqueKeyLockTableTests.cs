using Npgsql;

namespace Worcr.Postgres.Tests;

/// <summary>
/// The unique keys' advisory locks take slots of PostgreSQL's shared lock table, which every session of the server
/// shares: a producer's batch (up to 10,000 keyed jobs) must not be able to fill it for everyone.
/// </summary>
public sealed class UniqueKeyLockTableTests
{
    [Fact]
    public async Task A_batch_of_ten_thousand_unique_keys_holds_no_more_locks_than_there_are_buckets()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var keys = Enumerable.Range(0, 10_000).Select(i => new UniqueKey("acme", "email", $"key-{i}")).ToArray();

        await new UniqueKeyLocks(new SchemaSql(db.Schema)).LockAsync(connection, keys, CancellationToken.None);

        await using var held = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()", connection, transaction);
        Assert.InRange((long)(await held.ExecuteScalarAsync())!, 1, UniqueKeyLocks.Buckets);
    }
}
