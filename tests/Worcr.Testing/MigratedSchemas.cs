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
        return Free.TryTake(out var name) ? new RentedSchema(name, connectionString) : await CreateAsync();
    }

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

    // Replica role skips foreign keys and triggers, so the tables can be emptied in any order with DELETE, which is
    // several times faster than TRUNCATE on tiny tables.
    // The fixture's server user is a superuser, which that setting needs.
    private const string EmptySql = """
        SET LOCAL lock_timeout = '5s';
        SET LOCAL session_replication_role = replica;
        SELECT set_config('worcr.empty_schema', @schema, true);
        DO $$
        DECLARE target record;
        BEGIN
            FOR target IN SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
                          WHERE schemaname = current_setting('worcr.empty_schema') AND tablename <> 'schema_migrations' LOOP
                EXECUTE 'DELETE FROM ' || target.name;
            END LOOP;
            FOR target IN SELECT format('%I.%I', sequence_schema, sequence_name) AS name FROM information_schema.sequences
                          WHERE sequence_schema = current_setting('worcr.empty_schema') LOOP
                EXECUTE 'ALTER SEQUENCE ' || target.name || ' RESTART';
            END LOOP;
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
