namespace Worcr.Testing;

/// <summary>A migrated schema a test holds from <see cref="MigratedSchemas.RentAsync"/>; disposing it empties it and pools it again.</summary>
public sealed class RentedSchema : IAsyncDisposable
{
    private int _returned;

    internal RentedSchema(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    /// <summary>The shared PostgreSQL the schema lives on.</summary>
    public string ConnectionString { get; }

    /// <summary>Keeps the schema out of the pool for good, e.g. when something may still be writing to it.</summary>
    public void Abandon() => Interlocked.Exchange(ref _returned, 1);

    /// <summary>Call only once nothing uses the schema any more (nodes stopped, data sources disposed).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0) await MigratedSchemas.ReturnAsync(this);
    }
}
