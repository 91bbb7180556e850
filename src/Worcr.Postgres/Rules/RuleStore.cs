using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Rules kept in PostgreSQL. Writers validate (compile) a rule before saving it; this store only keeps versions
/// and announces every change on <see cref="Channel"/> (payload: the new installation-wide rules version).
/// </summary>
public sealed class RuleStore
{
    // Apart from the migration's and the unique keys' lock namespaces; the schema is part of the hash.
    private const int NameLockNamespace = 0x52756c65; // "Rule"

    // The highest version the name has in rule_versions, 0 when none: a deleted rule's versions outlive its row.
    private const string HighestKeptSql = "(SELECT coalesce(max(v.version), 0) FROM __schema__.rule_versions v WHERE v.name = @name)";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;

    internal RuleStore(NpgsqlDataSource dataSource, SchemaSql sql, string channel)
    {
        _dataSource = dataSource;
        _sql = sql;
        Channel = channel;
    }

    /// <summary>NOTIFY channel announcing rule changes.</summary>
    public string Channel { get; }

    public async Task<IReadOnlyList<StoredRule>> ListAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(
            "SELECT name, kind, language, code, rule_order, enabled, version, updated_at FROM __schema__.rules ORDER BY rule_order, name"));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rules = new List<StoredRule>();
        while (await reader.ReadAsync(ct)) rules.Add(Read(reader));
        return rules;
    }

    /// <summary>The installation-wide rules version: changes whenever any rule is saved or deleted.</summary>
    public async Task<long> VersionAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(
            "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM __schema__.rules_version"));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task<StoredRule?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(
            "SELECT name, kind, language, code, rule_order, enabled, version, updated_at FROM __schema__.rules WHERE name = @name"));
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>
    /// Creates or replaces a rule and announces it. Returns the stored rule. Its version follows the highest the
    /// rule's name has had: the current row's, or the highest kept in rule_versions (a rule deleted and saved again
    /// goes on counting after its deletion, whose version rule_versions keeps).
    /// </summary>
    public async Task<StoredRule> SaveAsync(string name, string kind, string language, string code, int order, bool enabled, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockNameAsync(connection, transaction, name, ct);
        await using var command = new NpgsqlCommand(_sql.Format($"""
            INSERT INTO __schema__.rules AS r (name, kind, language, code, rule_order, enabled, version)
            VALUES (@name, @kind, @language, @code, @order, @enabled, {HighestKeptSql} + 1)
            ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, language = EXCLUDED.language, code = EXCLUDED.code,
                rule_order = EXCLUDED.rule_order, enabled = EXCLUDED.enabled,
                version = greatest(r.version + 1, EXCLUDED.version), updated_at = now()
            RETURNING name, kind, language, code, rule_order, enabled, version, updated_at
            """), connection, transaction);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("language", language);
        command.Parameters.AddWithValue("code", code);
        command.Parameters.AddWithValue("order", order);
        command.Parameters.AddWithValue("enabled", enabled);
        StoredRule saved;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            saved = Read(reader);
        }
        await RecordAsync(connection, transaction, saved, deleted: false, ct);
        await transaction.CommitAsync(ct);
        return saved;
    }

    /// <summary>Deletes a rule (its deletion is the rule's next version in rule_versions); false when it did not exist.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockNameAsync(connection, transaction, name, ct);
        await using var command = new NpgsqlCommand(_sql.Format($"""
            DELETE FROM __schema__.rules WHERE name = @name
            RETURNING name, kind, language, code, rule_order, enabled, greatest(version, {HighestKeptSql}) + 1, now()
            """), connection, transaction);
        command.Parameters.AddWithValue("name", name);
        StoredRule? deleted = null;
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct)) deleted = Read(reader);
        }
        if (deleted is null) return false;
        await RecordAsync(connection, transaction, deleted, deleted: true, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Makes saves and deletes of one name take turns until the transaction ends. Each numbers its version from
    /// rule_versions as its statement sees it; without the lock a save that started while a delete of the same name
    /// was still open would read the numbers from before the delete and take the delete's number (a key conflict).
    /// </summary>
    private async Task LockNameAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql.Format(
            "SELECT pg_advisory_xact_lock(@namespace, hashtext('__schema__' || chr(31) || @name))"), connection, transaction);
        command.Parameters.AddWithValue("namespace", NameLockNamespace);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Keeps the version in rule_versions, bumps the rules version and notifies, in the caller's transaction.</summary>
    private async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredRule rule, bool deleted, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(_sql.Format("""
            INSERT INTO __schema__.rule_versions (name, version, kind, language, code, rule_order, enabled, deleted)
            VALUES (@name, @version, @kind, @language, @code, @order, @enabled, @deleted);
            SELECT pg_notify(@channel, nextval('__schema__.rules_version')::text);
            """), connection, transaction);
        command.Parameters.AddWithValue("name", rule.Name);
        command.Parameters.AddWithValue("version", rule.Version);
        command.Parameters.AddWithValue("kind", rule.Kind);
        command.Parameters.AddWithValue("language", rule.Language);
        command.Parameters.AddWithValue("code", rule.Code);
        command.Parameters.AddWithValue("order", rule.Order);
        command.Parameters.AddWithValue("enabled", rule.Enabled);
        command.Parameters.AddWithValue("deleted", deleted);
        command.Parameters.AddWithValue("channel", Channel);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static StoredRule Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        reader.GetInt32(4), reader.GetBoolean(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7));
}
