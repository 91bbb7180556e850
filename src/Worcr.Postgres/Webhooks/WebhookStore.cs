using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// Webhook subscriptions, the outbox their events wait in, and the log of every delivery attempt. Events are
/// written by the statement that changed the job (<see cref="WebhookOutboxSql"/>). docs/webhooks.md has the rest.
/// </summary>
public sealed class WebhookStore
{
    private const string Columns = "name, url, secret, events, tenant, enabled, updated_at";

    private const string ListSql = $"SELECT {Columns} FROM __schema__.webhook_subscriptions ORDER BY name";

    private const string GetSql = $"SELECT {Columns} FROM __schema__.webhook_subscriptions WHERE name = @name";

    private const string UpsertSql = $"""
        INSERT INTO __schema__.webhook_subscriptions (name, url, secret, events, tenant, enabled)
        VALUES (@name, @url, @secret, @events, @tenant, @enabled)
        ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, secret = EXCLUDED.secret, events = EXCLUDED.events,
            tenant = EXCLUDED.tenant, enabled = EXCLUDED.enabled, updated_at = now()
        RETURNING {Columns}
        """;

    private const string DeleteSql = "DELETE FROM __schema__.webhook_subscriptions WHERE name = @name";

    private const string DeliveriesSql = """
        SELECT d.outbox_id, o.event, d.attempt, d.status_code, d.error, d.duration_ms, d.at, o.state
        FROM __schema__.webhook_deliveries d JOIN __schema__.webhook_outbox o ON o.id = d.outbox_id
        WHERE d.subscription = @name
        ORDER BY d.id DESC
        LIMIT @limit
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SchemaSql _sql;
    private readonly WebhookOutbox _outbox;

    internal WebhookStore(NpgsqlDataSource dataSource, SchemaSql sql)
    {
        _dataSource = dataSource;
        _sql = sql;
        _outbox = new WebhookOutbox(dataSource, sql);
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(ListSql));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var subscriptions = new List<WebhookSubscription>();
        while (await reader.ReadAsync(ct)) subscriptions.Add(Read(reader));
        return subscriptions;
    }

    public async Task<WebhookSubscription?> GetAsync(string name, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(GetSql)).With("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<WebhookSubscription> UpsertAsync(WebhookSubscription subscription, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(UpsertSql))
            .With("name", subscription.Name).With("url", subscription.Url).With("secret", subscription.Secret)
            .With("events", NpgsqlDbType.Array | NpgsqlDbType.Text, subscription.Events.Distinct().Order(StringComparer.Ordinal).ToArray())
            .With("tenant", NpgsqlDbType.Text, subscription.Tenant).With("enabled", subscription.Enabled);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    /// <summary>Deletes the subscription with its undelivered events and delivery log.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(DeleteSql)).With("name", name);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The subscription's latest delivery attempts, newest first.</summary>
    public async Task<IReadOnlyList<WebhookDeliveryRecord>> DeliveriesAsync(string name, int limit, CancellationToken ct = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Format(DeliveriesSql)).With("name", name).With("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var deliveries = new List<WebhookDeliveryRecord>();
        while (await reader.ReadAsync(ct))
        {
            deliveries.Add(new WebhookDeliveryRecord(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetStringOrNull(4), reader.GetInt32(5), reader.GetTime(6), reader.GetString(7)));
        }
        return deliveries;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due events for this node, at most <paramref name="perSubscription"/> less
    /// what <paramref name="inFlight"/> says it sends already for any one subscription; others skip them for <paramref name="lease"/>.
    /// </summary>
    public Task<WebhookClaim> ClaimDueAsync(int limit, TimeSpan lease, int perSubscription,
        IReadOnlyDictionary<string, int> inFlight, CancellationToken ct = default) =>
        _outbox.ClaimAsync(limit, lease, perSubscription, inFlight, ct);

    /// <summary>Logs the attempt and marks the event delivered, due again after its backoff, or failed when older than <paramref name="giveUpAfter"/>.</summary>
    public Task RecordAttemptAsync(WebhookAttempt attempt, TimeSpan giveUpAfter, CancellationToken ct = default) =>
        _outbox.RecordAsync(attempt, giveUpAfter, ct);

    private static WebhookSubscription Read(NpgsqlDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
            reader.GetStringOrNull(4), reader.GetBoolean(5), reader.GetTime(6));
}
