using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// Worcr's PostgreSQL: one data source, one schema holding every Worcr object, the migrations and the job store.
/// </summary>
public sealed class WorcrDatabase : IAsyncDisposable
{
    private readonly SchemaSql _sql;

    private WorcrDatabase(NpgsqlDataSource dataSource, string schema)
    {
        DataSource = dataSource;
        Schema = schema;
        _sql = new SchemaSql(schema);
        var lanes = new LaneCache(dataSource, _sql, Lanes);
        Jobs = new JobStore(dataSource, _sql, lanes, JobsChannel, CancelChannel);
        Rules = new RuleStore(dataSource, _sql, RulesChannel);
        Cron = new CronStore(dataSource, _sql, lanes, JobsChannel);
        Retention = new RetentionStore(dataSource, _sql);
        Webhooks = new WebhookStore(dataSource, _sql);
        Tenants = new TenantStore(dataSource, _sql, TenantsChannel);
        Limits = new LimitStore(dataSource, _sql, LimitsChannel);
        TenantKeys = new TenantKeyStore(dataSource, _sql);
        Statistics = new JobsStatistics(dataSource, _sql);
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    public JobStore Jobs { get; }

    /// <summary>The lanes-per-tenant cap every enqueue of this database checks (set it before enqueueing).</summary>
    public LaneBounds Lanes { get; } = new();

    /// <summary>Deletes what outlived its retention: history partitions and rows, webhook rows, idle lanes, old rule versions.</summary>
    public RetentionStore Retention { get; }

    public RuleStore Rules { get; }

    /// <summary>Cron schedules and their firing (docs/cron.md).</summary>
    public CronStore Cron { get; }

    /// <summary>Webhook subscriptions, outbox and delivery log (docs/webhooks.md).</summary>
    public WebhookStore Webhooks { get; }

    public TenantStore Tenants { get; }

    /// <summary>Tenant API keys (hashed) that bind producers to one tenant.</summary>
    public TenantKeyStore TenantKeys { get; }

    /// <summary>Limit definitions (docs/fairness-and-limits.md); counters live in Redis.</summary>
    public LimitStore Limits { get; }

    /// <summary>Keeps the jobs table's statistics, and so every connection's plans, up with its growth.</summary>
    public JobsStatistics Statistics { get; }

    /// <summary>NOTIFY channel for new waiting jobs; payload format in <see cref="JobsPayload"/>.</summary>
    public string JobsChannel => $"{Schema}_jobs";

    /// <summary>NOTIFY channel for cancelled running jobs; payload format in <see cref="CancelPayload"/>.</summary>
    public string CancelChannel => $"{Schema}_cancel";

    /// <summary>NOTIFY channel for rule changes; the payload is the new rules version.</summary>
    public string RulesChannel => $"{Schema}_rules";

    /// <summary>NOTIFY channel for tenant and plan changes.</summary>
    public string TenantsChannel => $"{Schema}_tenants";

    /// <summary>NOTIFY channel for limit definition changes.</summary>
    public string LimitsChannel => $"{Schema}_limits";

    /// <param name="connectionString">An Npgsql connection string or a postgres:// URL.</param>
    /// <param name="schema">Lower-case letters, digits and underscores, at most 40 characters.</param>
    public static WorcrDatabase Create(string connectionString, string schema = "worcr")
    {
        SchemaName.Validate(schema);
        var dataSource = NpgsqlDataSource.Create(ConnectionDefaults.Apply(ConnectionStrings.ToNpgsql(connectionString)));
        return new WorcrDatabase(dataSource, schema);
    }

    /// <summary>Applies pending migrations; safe to call from several nodes at once, and while nodes run.</summary>
    public Task MigrateAsync(CancellationToken ct = default) => MigrateAsync(gaveWay: null, ct);

    /// <summary>
    /// Applies pending migrations; <paramref name="gaveWay"/> is told each time a migration gave way to a table lock
    /// another session held too long (it then tries again, until <paramref name="ct"/> is cancelled).
    /// </summary>
    public Task MigrateAsync(Action<MigrationGaveWay>? gaveWay, CancellationToken ct = default) =>
        new Migrator(DataSource, _sql).MigrateAsync(ct, gaveWay: gaveWay);

    /// <summary>Applies pending migrations up to <paramref name="version"/>, for tests of an upgrade.</summary>
    internal Task MigrateToAsync(int version, CancellationToken ct = default) => new Migrator(DataSource, _sql).MigrateAsync(ct, version);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
