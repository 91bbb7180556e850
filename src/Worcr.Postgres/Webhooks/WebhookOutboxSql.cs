namespace Worcr.Postgres;

/// <summary>
/// The webhook events of a transition, written by the transition's own statement as a data-modifying CTE: the job's
/// change and its outbox rows commit together or not at all, so an event is never lost even if every node dies right
/// after the commit. The event is 'job.' + the job's new state; each enabled subscription that wants that event
/// (and the job's tenant, when it names one) gets one row. The <c>job</c> column is the snapshot the receiver gets.
/// docs/webhooks.md lists the events.
/// </summary>
internal static class WebhookOutboxSql
{
    /// <summary>What a CTE of finished jobs (job_history rows) returns for <see cref="InsertFrom"/>.</summary>
    public const string HistoryColumns = "id, tenant, type, state, attempt, failures, max_attempts, last_error, unique_key, enqueued_at, result";

    /// <summary>What a CTE of changed jobs rows (which carry no result) returns for <see cref="InsertFrom"/>.</summary>
    public const string JobColumns = "id, tenant, type, state, attempt, failures, max_attempts, last_error, unique_key, enqueued_at, NULL::text AS result";

    // The gate is a one-time filter: with no enabled subscription the join is never run.
    private const string AnyEnabled = "EXISTS (SELECT 1 FROM __schema__.webhook_subscriptions WHERE enabled)";

    /// <summary>INSERT INTO webhook_outbox one row per (changed job in <paramref name="source"/>, subscription that wants it).</summary>
    public static string InsertFrom(string source) => $"""
        INSERT INTO __schema__.webhook_outbox (subscription, event, job)
        SELECT s.name, 'job.' || c.state, {JobJson("c")}
        FROM {source} c
        JOIN __schema__.webhook_subscriptions s
          ON s.enabled AND ('job.' || c.state) = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = c.tenant)
        WHERE {AnyEnabled}
        ORDER BY c.id, s.name
        """;

    /// <summary>
    /// INSERT INTO webhook_outbox one 'job.progress' row per quarter (25, 50, 75, 100 %) a counter crossed upwards.
    /// <paramref name="saved"/> holds the upserted job_progress rows (job_id, name, current, total, attempt) and
    /// <paramref name="before"/> the same rows as they were before the statement; a new attempt starts again from 0.
    /// </summary>
    public static string ProgressFrom(string saved, string before) => $"""
        INSERT INTO __schema__.webhook_outbox (subscription, event, job)
        SELECT s.name, 'job.progress',
               {JobJson("j", attempt: "p.attempt")}
               || jsonb_build_object('progress', jsonb_build_object('name', p.name, 'current', p.current,
                                     'total', p.total, 'milestone', q * 25))
        FROM (
            SELECT n.job_id, n.name, n.current, n.total, n.attempt,
                   CASE WHEN o.total > 0 AND o.attempt = n.attempt
                        THEN floor(4.0 * least(o.current, o.total) / o.total)::integer ELSE 0 END AS before_quarter,
                   floor(4.0 * least(n.current, n.total) / n.total)::integer AS after_quarter
            FROM {saved} n LEFT JOIN {before} o ON o.job_id = n.job_id AND o.name = n.name
            WHERE n.total > 0
        ) p
        CROSS JOIN LATERAL generate_series(p.before_quarter + 1, p.after_quarter) q
        CROSS JOIN LATERAL (
            SELECT id, tenant, type, state, failures, max_attempts, last_error, unique_key, enqueued_at, NULL::text AS result
            FROM __schema__.jobs WHERE id = p.job_id
            UNION ALL
            SELECT id, tenant, type, state, failures, max_attempts, last_error, unique_key, enqueued_at, NULL::text
            FROM __schema__.job_history WHERE id = p.job_id
            LIMIT 1
        ) j
        JOIN __schema__.webhook_subscriptions s
          ON s.enabled AND 'job.progress' = ANY (s.events) AND (s.tenant IS NULL OR s.tenant = j.tenant)
        WHERE EXISTS (SELECT 1 FROM __schema__.webhook_subscriptions WHERE enabled AND 'job.progress' = ANY (events))
        ORDER BY p.job_id, p.name, q, s.name
        """;

    /// <summary>The job as events carry it (the shape receivers parse: keep it stable).</summary>
    private static string JobJson(string job, string? attempt = null) => $"""
        jsonb_build_object('id', {job}.id::text, 'tenant', {job}.tenant, 'type', {job}.type, 'state', {job}.state,
            'attempt', {attempt ?? job + ".attempt"}, 'failures', {job}.failures, 'max_attempts', {job}.max_attempts,
            'last_error', {job}.last_error, 'unique_key', {job}.unique_key, 'enqueued_at', {job}.enqueued_at,
            'result', {job}.result)
        """;
}
