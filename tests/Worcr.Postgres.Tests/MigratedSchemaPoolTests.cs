using Worcr.Testing;
using static Worcr.Postgres.Tests.TestDatabase;

namespace Worcr.Postgres.Tests;

/// <summary>The test fixture's pool of migrated schemas: nothing one test leaves reaches the next.</summary>
public sealed class MigratedSchemaPoolTests
{
    [Fact]
    public async Task A_returned_schema_is_empty_and_its_sequences_start_over()
    {
        var first = await MigratedSchemas.RentAsync();
        var name = first.Name;
        await using (var db = WorcrDatabase.Create(first.ConnectionString, name))
        {
            await db.EnqueueOneAsync();
            await db.EnqueueOneAsync();
            await db.ScalarAsync("INSERT INTO __schema__.tenants (name) VALUES ('left-behind')");
        }
        await first.DisposeAsync();

        var rented = await RentUntilAsync(name);
        await using var again = WorcrDatabase.Create(rented.ConnectionString, rented.Name);
        Assert.Equal(0L, await again.ScalarAsync("SELECT (SELECT count(*) FROM __schema__.jobs) + (SELECT count(*) FROM __schema__.lanes) + (SELECT count(*) FROM __schema__.tenants)"));
        Assert.Equal(1L, await again.EnqueueOneAsync());
        await rented.DisposeAsync();
    }

    [Fact]
    public async Task A_schema_whose_shape_a_test_changed_is_never_handed_out_again()
    {
        var rented = await MigratedSchemas.RentAsync();
        await using (var db = WorcrDatabase.Create(rented.ConnectionString, rented.Name))
        {
            await db.ScalarAsync("ALTER TABLE __schema__.jobs ADD COLUMN extra int");
        }
        await rented.DisposeAsync();

        var others = new List<RentedSchema>();
        for (var i = 0; i < 20; i++) others.Add(await MigratedSchemas.RentAsync());
        Assert.DoesNotContain(rented.Name, others.Select(o => o.Name));
        foreach (var other in others) await other.DisposeAsync();
    }

    // Other tests rent and return at the same time; rent until the pool hands back the schema under test.
    private static async Task<RentedSchema> RentUntilAsync(string name)
    {
        var held = new List<RentedSchema>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                var rented = await MigratedSchemas.RentAsync();
                if (rented.Name == name) return rented;
                held.Add(rented);
            }
            throw new InvalidOperationException($"The pool never handed {name} out again.");
        }
        finally
        {
            foreach (var other in held) await other.DisposeAsync();
        }
    }
}
