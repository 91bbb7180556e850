using Worcr.Testing;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>The test fixture's pool of migrated schemas: nothing one test leaves reaches the next.</summary>
public sealed class MigratedSchemaPoolTests
{
    [Fact]
    public async Task A_returned_schema_is_emptied_and_its_sequences_start_over()
    {
        // A new member no other test has used, emptied as a return does while the test still holds it, so no test
        // running beside it can rent it or touch it before it is checked.
        await using var rented = await MigratedSchemas.CreateAsync();
        await using (var used = WorcrDatabase.Create(rented.ConnectionString, rented.Name))
        {
            await used.EnqueueOneAsync();
            await used.EnqueueOneAsync();
            await used.ScalarAsync("INSERT INTO __schema__.tenants (name) VALUES ('left-behind')");
            await used.ScalarAsync("ANALYZE __schema__.jobs");
        }

        Assert.True(await MigratedSchemas.EmptyAsync(rented));

        // A new store, as the next test has: the old one's lane cache knows lanes the emptying removed.
        await using var db = WorcrDatabase.Create(rented.ConnectionString, rented.Name);
        Assert.Equal(0L, await db.ScalarAsync("SELECT (SELECT count(*) FROM __schema__.jobs) + (SELECT count(*) FROM __schema__.lanes) + (SELECT count(*) FROM __schema__.tenants)"));
        var job = await db.EnqueueOneAsync();
        Assert.Equal(1L, job);
        // Identity columns have sequences of their own, which information_schema.sequences does not list.
        Assert.Equal(1L, await db.LaneOfAsync(job));
        // The planner sees the tables as new ones: no statistics and no tuple count kept from the last test.
        Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM pg_statistic WHERE starelid = '__schema__.jobs'::regclass"));
        Assert.Equal(-1f, await db.ScalarAsync("SELECT reltuples FROM pg_class WHERE oid = '__schema__.lanes'::regclass"));
    }

    [Fact]
    public async Task A_schema_whose_shape_a_test_changed_is_never_handed_out_again()
    {
        var rented = await MigratedSchemas.CreateAsync();
        await using (var db = WorcrDatabase.Create(rented.ConnectionString, rented.Name))
        {
            await db.ScalarAsync("ALTER TABLE __schema__.jobs ADD COLUMN extra int");
        }

        Assert.False(await MigratedSchemas.EmptyAsync(rented));
        rented.Abandon();
    }
}
