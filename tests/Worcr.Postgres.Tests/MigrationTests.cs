using Worcr.Testing;

namespace Worcr.Postgres.Tests;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrating_twice_applies_each_migration_once()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.MigrateAsync();
        Assert.Equal((long)MigrationScript.LoadAll().Count, await db.ScalarAsync("SELECT count(*) FROM __schema__.schema_migrations"));
        Assert.Equal(0L, await db.ScalarAsync("SELECT count(*) FROM __schema__.jobs"));
    }

    [Fact]
    public async Task Four_nodes_migrating_at_once_all_succeed_into_a_schema_that_does_not_exist_yet()
    {
        var schema = $"m_{Guid.NewGuid():N}"; // not created beforehand: the first migration creates it
        var connection = await TestServices.PostgresAsync();
        var nodes = Enumerable.Range(0, 4).Select(_ => WorcrDatabase.Create(connection, schema)).ToArray();
        await Task.WhenAll(nodes.Select(n => n.MigrateAsync()));
        Assert.Equal((long)MigrationScript.LoadAll().Count, await nodes[0].ScalarAsync("SELECT count(*) FROM __schema__.schema_migrations"));
        foreach (var node in nodes) await node.DisposeAsync();
    }

    [Fact]
    public void Embedded_migrations_are_numbered_one_after_another_from_one()
    {
        var versions = MigrationScript.LoadAll().Select(m => m.Version).ToArray();
        Assert.Equal(Enumerable.Range(1, versions.Length), versions);
    }

    [Theory]
    [InlineData("Worcr")]
    [InlineData("worcr; drop table x")]
    [InlineData("")]
    [InlineData("a_name_that_is_much_longer_than_forty_characters")]
    public void Invalid_schema_names_are_rejected(string schema)
    {
        var error = Assert.Throws<ArgumentException>(() => WorcrDatabase.Create("Host=127.0.0.1", schema));
        Assert.Contains("lower-case", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgres_url_is_accepted()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(await TestServices.PostgresAsync());
        var url = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        await using var db = WorcrDatabase.Create(url, await TestServices.CreateSchemaAsync());
        await db.MigrateAsync();
        Assert.Equal((long)MigrationScript.LoadAll().Count, await db.ScalarAsync("SELECT count(*) FROM __schema__.schema_migrations"));
    }
}
