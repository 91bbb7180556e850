using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>Limit definitions kept in PostgreSQL. Every change is announced on <see cref="Channel"/> so nodes reload.</summary>
public sealed class LimitStore
{
    private const string Columns = "name, kind, match_by, match_field, match_value, capacity, period_ms, burst, mode, enabled, updated_at";

    private const string SaveSql = """
        INSERT INTO __schema__.limits (name, kind, match_by, match_field, match_value, capacity, period_ms, burst, mode, enabled)
        VALUES (@name, @kind, @match_by, @match_field, @match_value, @capacity, @period_ms, @burst, @mode, @enabled)
        ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, match_by = EXCLUDED.match_by, match_field = EXCLUDED.match_field,
            match_value = EXCLUDED.match_value, capacity = EXCLUDED.capacity, period_ms = EXCLUDED.period_ms, burst = EXCLUDED.burst,
            mode = EXCLUDED.mode, enabled = EXCLUDED.enabled, updated_at = now()
        RETURNING
        """ + " " + Columns;

    private const string RunningAttemptsSql = """
        SELECT j.id, j.attempt, l.tenant, l.type, l.tags, l.limit_keys FROM __schema__.jobs j JOIN __schema__.lanes l ON l.id = j.lane_id
        WHERE j.state = 'running'
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;

    internal LimitStore(NpgsqlDataSource dataSource, SchemaSql sql, string channel)
    {
        _dataSource = dataSource;
        _sql = sql;
        Channel = channel;
    }

    /// <summary>NOTIFY channel announcing limit changes.</summary>
    public string Channel { get; }

    public async Task<IReadOnlyList<LimitRecord>> ListAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format($"SELECT {Columns} FROM __schema__.limits ORDER BY name"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var limits = new List<LimitRecord>();
        while (await reader.ReadAsync(ct)) limits.Add(Read(reader));
        return limits;
    }

    /// <summary>Creates or replaces a limit and announces it; returns the stored row.</summary>
    public async Task<LimitRecord> SaveAsync(LimitRecord limit, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(_sql.Format(SaveSql), connection, transaction)
            .With("name", limit.Name).With("kind", limit.Kind).With("match_by", limit.MatchBy)
            .With("match_field", NpgsqlDbType.Text, limit.MatchField).With("match_value", NpgsqlDbType.Text, limit.MatchValue)
            .With("capacity", limit.Capacity).With("period_ms", NpgsqlDbType.Bigint, limit.Period is { } period ? (long)period.TotalMilliseconds : null)
            .With("burst", NpgsqlDbType.Bigint, limit.Burst).With("mode", limit.Mode).With("enabled", limit.Enabled);
        LimitRecord saved;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            saved = Read(reader);
        }
        await NotifyAsync(connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return saved;
    }

    /// <summary>Deletes a stored limit and announces it; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(_sql.Format("DELETE FROM __schema__.limits WHERE name = @name"), connection, transaction).With("name", name);
        var deleted = await command.ExecuteNonQueryAsync(ct) > 0;
        if (deleted) await NotifyAsync(connection, transaction, ct);
        await transaction.CommitAsync(ct);
        return deleted;
    }

    /// <summary>
    /// Every running attempt with its lane's facts: what the concurrency holders in Redis must be (a tenant, type or
    /// tag limit holds lanes without stored keys too). Read to rebuild them after Redis lost them (a restart without
    /// persistence).
    /// </summary>
    public async Task<IReadOnlyList<RunningAttempt>> ReadRunningAttemptsAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(RunningAttemptsSql));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var running = new List<RunningAttempt>();
        while (await reader.ReadAsync(ct)) running.Add(new RunningAttempt(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5)));
        return running;
    }

    private async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, 'changed')", connection, transaction).With("channel", Channel);
        await notify.ExecuteNonQueryAsync(ct);
    }

    private static LimitRecord Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.GetInt64(5), reader.IsDBNull(6) ? null : TimeSpan.FromMilliseconds(reader.GetInt64(6)),
        reader.IsDBNull(7) ? null : reader.GetInt64(7), reader.GetString(8), reader.GetBoolean(9), reader.GetFieldValue<DateTimeOffset>(10));
}
