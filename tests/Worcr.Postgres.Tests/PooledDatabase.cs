using Worcr.Testing;

namespace Worcr.Postgres.Tests;

/// <summary>A test's <see cref="WorcrDatabase"/> on a pooled migrated schema; disposing it hands the schema back emptied.</summary>
internal sealed class PooledDatabase(WorcrDatabase database, RentedSchema schema) : IAsyncDisposable
{
    public WorcrDatabase Database { get; } = database;

    public JobStore Jobs => Database.Jobs;

    public Npgsql.NpgsqlDataSource DataSource => Database.DataSource;

    public string Schema => Database.Schema;

    public string JobsChannel => Database.JobsChannel;

    public string CancelChannel => Database.CancelChannel;

    public Task MigrateAsync() => Database.MigrateAsync();

    public static implicit operator WorcrDatabase(PooledDatabase pooled) => pooled.Database;

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await schema.DisposeAsync();
    }
}
