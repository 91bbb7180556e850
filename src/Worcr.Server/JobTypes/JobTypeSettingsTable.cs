using Npgsql;

namespace Worcr.Server.JobTypes;

/// <summary>The SQL behind job type settings: read all types with their settings, and save one type's settings.</summary>
internal sealed class JobTypeSettingsTable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _readAllSql;
    private readonly string _saveSql;

    public JobTypeSettingsTable(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        _readAllSql = $"SELECT name, registered_at, max_attempts, retry_base_ms, retry_max_ms, lease_ms FROM \"{schema}\".job_types ORDER BY name";
        // Saving declares the type too: an operator who configures a type means producers may enqueue it.
        _saveSql = $"""
            INSERT INTO "{schema}".job_types AS t (name, max_attempts, retry_base_ms, retry_max_ms, lease_ms, updated_at)
            VALUES (@name, @max_attempts, @retry_base_ms, @retry_max_ms, @lease_ms, now())
            ON CONFLICT (name) DO UPDATE SET max_attempts = excluded.max_attempts, retry_base_ms = excluded.retry_base_ms,
                retry_max_ms = excluded.retry_max_ms, lease_ms = excluded.lease_ms, updated_at = now()
            RETURNING name, registered_at, max_attempts, retry_base_ms, retry_max_ms, lease_ms
            """;
    }

    public async Task<IReadOnlyList<JobTypeRow>> ReadAllAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(_readAllSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<JobTypeRow>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(Read(reader));
        return rows;
    }

    public async Task<JobTypeRow> SaveAsync(string name, JobTypeSettings settings, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(_saveSql);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.Add(Nullable("max_attempts", settings.MaxAttempts));
        command.Parameters.Add(Nullable("retry_base_ms", settings.RetryBaseMs));
        command.Parameters.Add(Nullable("retry_max_ms", settings.RetryMaxMs));
        command.Parameters.Add(Nullable("lease_ms", settings.LeaseMs));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Read(reader);
    }

    private static NpgsqlParameter Nullable(string name, int? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Integer) { Value = value is null ? DBNull.Value : value.Value };

    private static JobTypeRow Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetFieldValue<DateTimeOffset>(1),
        new JobTypeSettings(IntOrNull(reader, 2), IntOrNull(reader, 3), IntOrNull(reader, 4), IntOrNull(reader, 5)));

    private static int? IntOrNull(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
}
