using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Tenant API keys ("wt_" + 48 hex digits). Only their SHA-256 is stored; a lookup by key also records when the
/// key was last used (at most once a minute), in the same statement.
/// </summary>
public sealed class TenantKeyStore
{
    public const string KeyPrefix = "wt_";
    private const int ShownCharacters = 11;
    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;

    internal TenantKeyStore(NpgsqlDataSource dataSource, SchemaSql sql)
    {
        _dataSource = dataSource;
        _sql = sql;
    }

    /// <summary>Creates a key; the returned text is the only time the full key exists outside the caller.</summary>
    public async Task<(TenantKeyRecord Record, string Key)> CreateAsync(string tenant, string label, CancellationToken ct = default)
    {
        var key = KeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var command = _dataSource.CreateCommand(_sql.Format("""
            INSERT INTO __schema__.tenant_api_keys (tenant, label, prefix, key_hash) VALUES (@tenant, @label, @prefix, @hash)
            RETURNING id, created_at
            """));
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("label", label);
        command.Parameters.AddWithValue("prefix", key[..ShownCharacters]);
        command.Parameters.AddWithValue("hash", Hash(key));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (new TenantKeyRecord(reader.GetInt64(0), tenant, label, key[..ShownCharacters], reader.GetFieldValue<DateTimeOffset>(1), null), key);
    }

    public async Task<IReadOnlyList<TenantKeyRecord>> ListAsync(string tenant, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(
            "SELECT id, tenant, label, prefix, created_at, last_used_at FROM __schema__.tenant_api_keys WHERE tenant = @tenant ORDER BY id"));
        command.Parameters.AddWithValue("tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<TenantKeyRecord>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new TenantKeyRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return keys;
    }

    /// <summary>Number of keys per tenant, for listings.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountByTenantAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("SELECT tenant, count(*) FROM __schema__.tenant_api_keys GROUP BY tenant"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        return counts;
    }

    /// <summary>Deletes a key of that tenant; false when the tenant has no key of that id.</summary>
    public async Task<bool> RevokeAsync(string tenant, long id, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("DELETE FROM __schema__.tenant_api_keys WHERE id = @id AND tenant = @tenant"));
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenant);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>
    /// The tenant a key belongs to, or null for an unknown or revoked key. A known key's use is noted at most once
    /// a minute; an unknown key changes nothing, so guessing costs no database write.
    /// </summary>
    public async Task<string?> FindTenantAsync(string key, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format("""
            WITH found AS (SELECT id, tenant, last_used_at FROM __schema__.tenant_api_keys WHERE key_hash = @hash),
            noted AS (
                UPDATE __schema__.tenant_api_keys SET last_used_at = now()
                WHERE id IN (SELECT id FROM found WHERE last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
            SELECT tenant FROM found
            """));
        command.Parameters.AddWithValue("hash", Hash(key));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Whether a text has the form of a tenant key ("wt_" + 48 lower-case hex digits): others are refused without a lookup.</summary>
    public static bool LooksLikeKey(string text) =>
        text.Length == KeyPrefix.Length + 48 && text.StartsWith(KeyPrefix, StringComparison.Ordinal)
        && text.AsSpan(KeyPrefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
