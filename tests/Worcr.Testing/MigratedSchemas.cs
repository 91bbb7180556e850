using System.Collections.Concurrent;
using Npgsql;
using Worcr.Postgres;

namespace Worcr.Testing;

/// <summary>
/// Hands out Worcr schemas that are already migrated, so a test does not pay for the migrations (and the catalog
/// does not grow by a schema per test). A schema comes back through <see cref="RentedSchema.DisposeAsync"/>: it is
/// emptied (every row of every table, every sequence restarted) in one transaction and goes back to the pool only
/// when its shape is still the one the migrations made, so nothing a test left behind reaches the next one.
/// The pool grows to the number of tests that hold a schema at once; each new member is migrated once.
/// </summary>
public static class MigratedSchemas
{
    private static readonly ConcurrentBag<string> Free = [];

    // Each member's shape as its migrations made it. Per schema, because a shape names the schema (in function
    // bodies) and object ids (in constraint trigger names): two schemas never have the same one.
    private static readonly ConcurrentDictionary<string, string> MigratedShapes = new();
    private static int _created;

    /// <summary>A migrated, empty schema of the shared PostgreSQL that no other test holds until it is disposed.</summary>
    public static async Task<RentedSchema> RentAsync()
    {
        var connectionString = await TestServices.PostgresAsync();
        while (Free.TryTake(out var name))
        {
            // Something of the last test may have written after the emptying (a late statement of a stopped node):
            // such a member is dropped from the pool, never handed out.
            if (await IsEmptyAsync(connectionString, name)) return new RentedSchema(name, connectionString);
        }
        return await CreateAsync();
    }

    private static async Task<bool> IsEmptyAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(LeftoversSql, connection);
        command.Parameters.AddWithValue("schema", schema);
        return await command.ExecuteScalarAsync() is not string;
    }

    // Names what was written to the schema since it was emptied: a table whose file is no longer empty (TRUNCATE left
    // every one at 0 bytes; a row, even one deleted since, takes a page) or a sequence that handed out a value. NULL
    // when there is nothing. File sizes, not row counts: one catalog scan instead of a query per table.
    private const string LeftoversSql = """
        SELECT string_agg(c.relname, ', ') FROM pg_class c
        WHERE c.relnamespace = @schema::regnamespace AND c.relname <> 'schema_migrations'
          AND ((c.relkind = 'r' AND pg_relation_size(c.oid) > 0) OR (c.relkind = 'S' AND pg_sequence_last_value(c.oid) IS NOT NULL))
        """;

    /// <summary>A new member of the pool, migrated here, that no test has used yet.</summary>
    internal static async Task<RentedSchema> CreateAsync()
    {
        var connectionString = await TestServices.PostgresAsync();
        var name = $"pool_{Environment.ProcessId}_{Interlocked.Increment(ref _created)}";
        await using (var database = WorcrDatabase.Create(connectionString, name))
        {
            await database.MigrateAsync();
        }
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            MigratedShapes[name] = await ReadShapeAsync(connection, name, transaction: null);
        }
        return new RentedSchema(name, connectionString);
    }

    /// <summary>Empties the schema and pools it again; a schema that cannot be emptied or changed shape is left out.</summary>
    internal static async Task ReturnAsync(RentedSchema schema)
    {
        if (await EmptyAsync(schema)) Free.Add(schema.Name);
    }

    /// <summary>
    /// Empties the schema in one transaction and says whether it may be handed out again: false when its shape is no
    /// longer the one the migrations made, or it could not be emptied.
    /// </summary>
    internal static async Task<bool> EmptyAsync(RentedSchema schema)
    {
        try
        {
            await using var connection = new NpgsqlConnection(schema.ConnectionString);
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var empty = new NpgsqlCommand(EmptySql, connection, transaction))
            {
                empty.Parameters.AddWithValue("schema", schema.Name);
                await empty.ExecuteNonQueryAsync();
            }
            var shape = await ReadShapeAsync(connection, schema.Name, transaction);
            await transaction.CommitAsync();
            return shape == MigratedShapes[schema.Name];
        }
        catch (NpgsqlException)
        {
            // Still locked by a session the test left open (lock_timeout) or otherwise unusable: never hand it out again.
            return false;
        }
    }

    private static async Task<string> ReadShapeAsync(NpgsqlConnection connection, string schema, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand(ShapeSql, connection, transaction);
        command.Parameters.AddWithValue("schema", schema);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    // TRUNCATE rather than DELETE: the tables get new, empty files and the planner sees them as it sees a new
    // table (no pages, no tuple count, no column statistics, which pg_statistic would keep from the last test), so a
    // query plans as on a freshly migrated schema. Identity columns have sequences of their own, which
    // information_schema.sequences leaves out: every sequence of the schema is restarted from pg_class.
    // Deleting statistics needs a superuser, which the fixture's server user is.
    private const string EmptySql = """
        SET LOCAL lock_timeout = '5s';
        SELECT set_config('worcr.empty_schema', @schema, true);
        DO $$
        DECLARE target record;
        DECLARE tables text;
        BEGIN
            SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') INTO tables FROM pg_tables
            WHERE schemaname = current_setting('worcr.empty_schema') AND tablename <> 'schema_migrations';
            EXECUTE 'TRUNCATE ' || tables;
            FOR target IN SELECT c.oid::regclass::text AS name FROM pg_class c
                          WHERE c.relkind = 'S' AND c.relnamespace = current_setting('worcr.empty_schema')::regnamespace LOOP
                EXECUTE 'ALTER SEQUENCE ' || target.name || ' RESTART';
            END LOOP;
            DELETE FROM pg_statistic WHERE starelid IN
                (SELECT c.oid FROM pg_class c WHERE c.relnamespace = current_setting('worcr.empty_schema')::regnamespace);
        END $$;
        """;

    // Tables, columns, indexes, sequences, functions and triggers of the schema, as one comparable string.
    private const string ShapeSql = """
        SELECT concat_ws('|',
            (SELECT string_agg(c.relname || ':' || c.relkind::text || ':' || c.relnatts, ',' ORDER BY c.relname)
               FROM pg_class c WHERE c.relnamespace = @schema::regnamespace),
            (SELECT string_agg(p.proname || ':' || md5(p.prosrc), ',' ORDER BY p.proname)
               FROM pg_proc p WHERE p.pronamespace = @schema::regnamespace),
            (SELECT string_agg(t.tgname || ':' || t.tgenabled::text, ',' ORDER BY t.tgname)
               FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = @schema::regnamespace))
        """;
}
