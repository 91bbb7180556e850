using Npgsql;
using NpgsqlTypes;

namespace Worcr.Postgres;

/// <summary>
/// The delivery side of the outbox. A claim pushes the rows' next_attempt_at one lease ahead, so no other node
/// takes them while the POST is in flight; if this node dies mid-POST they come due again after the lease and
/// are sent again (receivers dedupe on the Worcr-Delivery header, the outbox id).
/// </summary>
internal sealed class WebhookOutbox(NpgsqlDataSource dataSource, SchemaSql sql)
{
    // Events wait in the outbox under the subscription as it was; it may have changed since. Each due row is judged
    // by the subscription as it is now: sent (to its current URL) if it still takes the event, given up if its
    // events or tenant no longer cover it (a subscription repointed at one tenant must not receive the others'
    // backlog), and put off by one lease while it is disabled (kept for when it is enabled again, without being
    // read at every claim meanwhile). A subscription gets at most its room (the caller's per-subscription bound less
    // what it has in flight): one with no room is not even scanned, so its backlog never fills a claim that others
    // wait behind; rows over a partial room stay due, untouched.
    private const string ClaimSql = """
        WITH room AS (
            SELECT * FROM unnest(@subscriptions, @rooms) AS r(subscription, room)
        ), due AS (
            SELECT o.id, o.subscription, o.next_attempt_at, s.enabled,
                   o.event = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = o.job->>'tenant') AS wanted
            FROM __schema__.webhook_outbox o JOIN __schema__.webhook_subscriptions s ON s.name = o.subscription
            WHERE o.state = 'pending' AND o.next_attempt_at <= now()
              AND NOT EXISTS (SELECT 1 FROM room WHERE room.subscription = o.subscription AND room.room <= 0)
            ORDER BY o.next_attempt_at, o.id
            LIMIT @limit
            FOR UPDATE OF o SKIP LOCKED
        ), ranked AS (
            SELECT d.id, row_number() OVER (PARTITION BY d.subscription ORDER BY d.next_attempt_at, d.id) AS n,
                   coalesce((SELECT room.room FROM room WHERE room.subscription = d.subscription), @per_subscription) AS room
            FROM due d WHERE d.enabled AND d.wanted
        ), unwanted AS (
            UPDATE __schema__.webhook_outbox o
            SET state = 'failed', finished_at = now(), last_error = 'the subscription no longer takes this event (its events or tenant changed)'
            FROM due WHERE o.id = due.id AND due.enabled AND NOT due.wanted
        ), paused AS (
            UPDATE __schema__.webhook_outbox o SET next_attempt_at = now() + @lease
            FROM due WHERE o.id = due.id AND NOT due.enabled
        ), claimed AS (
            UPDATE __schema__.webhook_outbox o
            SET attempts = o.attempts + 1, next_attempt_at = now() + @lease
            FROM ranked, __schema__.webhook_subscriptions s
            WHERE o.id = ranked.id AND ranked.n <= ranked.room AND s.name = o.subscription
            RETURNING o.id, o.subscription, o.event, o.job::text AS job, o.created_at, o.attempts, s.url, s.secret
        )
        SELECT (SELECT count(*) FROM due), c.id, c.subscription, c.event, c.job, c.created_at, c.attempts, c.url, c.secret
        FROM (SELECT 1) one LEFT JOIN claimed c ON true
        """;

    // One statement: the attempt's log row and the outbox row's new state commit together.
    private const string RecordSql = """
        WITH logged AS (
            INSERT INTO __schema__.webhook_deliveries (outbox_id, subscription, attempt, status_code, error, duration_ms)
            VALUES (@id, @subscription, @attempt, @status_code, @error, @duration_ms)
        )
        UPDATE __schema__.webhook_outbox
        SET state = CASE WHEN @succeeded THEN 'delivered'
                         WHEN created_at + @give_up <= now() THEN 'failed'
                         ELSE 'pending' END,
            finished_at = CASE WHEN @succeeded OR created_at + @give_up <= now() THEN now() END,
            next_attempt_at = now() + @retry_after,
            last_error = CASE WHEN @succeeded THEN NULL ELSE @summary END
        WHERE id = @id AND state = 'pending'
        """;

    private readonly string _claimSql = sql.Format(ClaimSql);
    private readonly string _recordSql = sql.Format(RecordSql);

    /// <returns>The rows to send, and how many due rows the claim looked at (given up, held or left for later too).</returns>
    public async Task<WebhookClaim> ClaimAsync(int limit, TimeSpan lease, int perSubscription,
        IReadOnlyDictionary<string, int> inFlight, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(_claimSql).With("limit", limit).With("lease", lease)
            .With("per_subscription", perSubscription)
            .WithArray("subscriptions", NpgsqlDbType.Text, inFlight.Keys.ToArray())
            .WithArray("rooms", NpgsqlDbType.Integer, inFlight.Values.Select(n => perSubscription - n).ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var messages = new List<WebhookMessage>();
        var scanned = 0L;
        while (await reader.ReadAsync(ct))
        {
            scanned = reader.GetInt64(0);
            if (reader.IsDBNull(1)) continue;
            messages.Add(new WebhookMessage(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetTime(5), reader.GetInt32(6), reader.GetString(7), reader.GetString(8)));
        }
        return new WebhookClaim(messages, (int)scanned);
    }

    public async Task RecordAsync(WebhookAttempt attempt, TimeSpan giveUpAfter, CancellationToken ct)
    {
        var message = attempt.Message;
        await using var command = dataSource.CreateCommand(_recordSql)
            .With("id", message.Id).With("subscription", message.Subscription).With("attempt", message.Attempt)
            .With("status_code", NpgsqlDbType.Integer, attempt.StatusCode).With("error", NpgsqlDbType.Text, attempt.Error)
            .With("duration_ms", (int)Math.Min(int.MaxValue, attempt.Duration.TotalMilliseconds))
            .With("succeeded", attempt.Succeeded).With("give_up", giveUpAfter).With("retry_after", attempt.RetryAfter)
            .With("summary", NpgsqlDbType.Text, attempt.Error ?? $"HTTP {attempt.StatusCode}");
        await command.ExecuteNonQueryAsync(ct);
    }
}
