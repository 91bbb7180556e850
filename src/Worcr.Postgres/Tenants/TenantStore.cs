using Npgsql;

namespace Worcr.Postgres;

/// <summary>Tenants and plans. Every change is announced on <see cref="Channel"/> so nodes reload the shares.</summary>
public sealed class TenantStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;

    internal TenantStore(NpgsqlDataSource dataSource, SchemaSql sql, string channel)
    {
        _dataSource = dataSource;
        _sql = sql;
        Channel = channel;
    }

    public string Channel { get; }

    public async Task<IReadOnlyList<TenantRecord>> ListTenantsAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("SELECT name, plan, weight, updated_at FROM __schema__.tenants ORDER BY name"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tenants = new List<TenantRecord>();
        while (await reader.ReadAsync(ct))
        {
            tenants.Add(new TenantRecord(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }
        return tenants;
    }

    public async Task<IReadOnlyList<PlanRecord>> ListPlansAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("SELECT name, weight, updated_at FROM __schema__.plans ORDER BY name"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var plans = new List<PlanRecord>();
        while (await reader.ReadAsync(ct)) plans.Add(new PlanRecord(reader.GetString(0), reader.GetDouble(1), reader.GetFieldValue<DateTimeOffset>(2)));
        return plans;
    }

    /// <summary>Creates or updates a tenant. The plan must exist (or be null).</summary>
    public Task SaveTenantAsync(string name, string? plan, double? weight, CancellationToken ct = default) => ExecuteAndNotifyAsync("""
        INSERT INTO __schema__.tenants (name, plan, weight) VALUES (@name, @plan, @weight)
        ON CONFLICT (name) DO UPDATE SET plan = EXCLUDED.plan, weight = EXCLUDED.weight, updated_at = now()
        """, ct, ("name", name), ("plan", (object?)plan ?? DBNull.Value), ("weight", (object?)weight ?? DBNull.Value));

    public Task SavePlanAsync(string name, double weight, CancellationToken ct = default) => ExecuteAndNotifyAsync("""
        INSERT INTO __schema__.plans (name, weight) VALUES (@name, @weight)
        ON CONFLICT (name) DO UPDATE SET weight = EXCLUDED.weight, updated_at = now()
        """, ct, ("name", name), ("weight", weight));

    public async Task<bool> DeleteTenantAsync(string name, CancellationToken ct = default) =>
        await ExecuteAndNotifyAsync("DELETE FROM __schema__.tenants WHERE name = @name", ct, ("name", name)) > 0;

    public async Task<bool> DeletePlanAsync(string name, CancellationToken ct = default) =>
        await ExecuteAndNotifyAsync("DELETE FROM __schema__.plans WHERE name = @name", ct, ("name", name)) > 0;

    /// <summary>Waiting and running jobs per tenant (tenants with neither are absent).</summary>
    public async Task<IReadOnlyList<TenantActivity>> ActivityAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("""
            SELECT tenant, count(*) FILTER (WHERE state = 'waiting'), count(*) FILTER (WHERE state = 'running')
            FROM __schema__.jobs WHERE state IN ('waiting', 'running') GROUP BY tenant ORDER BY tenant
            """));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var activity = new List<TenantActivity>();
        while (await reader.ReadAsync(ct)) activity.Add(new TenantActivity(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2)));
        return activity;
    }

    private async Task<int> ExecuteAndNotifyAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand(_sql.Format(sql), connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var changed = await command.ExecuteNonQueryAsync(ct);
        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, 'changed')", connection, transaction);
        notify.Parameters.AddWithValue("channel", Channel);
        await notify.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return changed;
    }
}
