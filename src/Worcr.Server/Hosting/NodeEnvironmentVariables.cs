namespace Worcr.Server.Hosting;

/// <summary>
/// The short WORCR_* environment variables operators already use, and the setting each one sets. Every other
/// setting can be given in the standard .NET form, <c>Worcr__LeaseDuration=00:01:00</c>.
/// </summary>
public static class NodeEnvironmentVariables
{
    /// <summary>
    /// Any short variable with this suffix names a file that holds its value (<c>WORCR_API_KEY_FILE=/run/secrets/api_key</c>),
    /// the form Docker and Kubernetes secrets take. Setting both forms of one variable is an error.
    /// </summary>
    public const string FileSuffix = "_FILE";

    /// <summary>Variable name → setting name (a property of <see cref="NodeOptions"/>).</summary>
    public static IReadOnlyList<(string Variable, string Setting)> Map { get; } =
    [
        ("WORCR_POSTGRES", nameof(NodeOptions.PostgresUrl)), ("WORCR_REDIS", nameof(NodeOptions.RedisUrl)),
        ("WORCR_SCHEMA", nameof(NodeOptions.Schema)), ("WORCR_API_KEY", nameof(NodeOptions.ApiKey)),
        ("WORCR_WORKER_TOKEN", nameof(NodeOptions.WorkerToken)), ("WORCR_GRPC_PORT", nameof(NodeOptions.GrpcPort)),
        ("WORCR_HTTP_PORT", nameof(NodeOptions.HttpPort)), ("WORCR_BIND", nameof(NodeOptions.BindAddress)),
        ("WORCR_JOB_TYPES", nameof(NodeOptions.JobTypes)), ("WORCR_INSECURE", nameof(NodeOptions.AllowUnauthenticated)),
        ("WORCR_NODE_ID", nameof(NodeOptions.NodeId)), ("WORCR_RULES", nameof(NodeOptions.RulesDirectory)),
        ("WORCR_ADMIN_PASSWORD", nameof(NodeOptions.AdminPassword)), ("WORCR_READ_ONLY_PASSWORD", nameof(NodeOptions.ReadOnlyPassword)),
        ("WORCR_FAIRNESS", nameof(NodeOptions.Fairness)), ("WORCR_FAIRNESS_BY_JOB_TYPE", nameof(NodeOptions.FairnessByJobType)),
        ("WORCR_TLS_CERTIFICATE", nameof(NodeOptions.TlsCertificatePath)), ("WORCR_TLS_KEY", nameof(NodeOptions.TlsKeyPath)),
        ("WORCR_HTTP_TLS", nameof(NodeOptions.HttpTls)), ("WORCR_TRUSTED_PROXIES", nameof(NodeOptions.TrustedProxies)),
        ("WORCR_RETENTION_COMPLETED", nameof(NodeOptions.CompletedRetention)), ("WORCR_RETENTION_DEAD", nameof(NodeOptions.DeadRetention)),
        ("WORCR_RETENTION_CANCELLED", nameof(NodeOptions.CancelledRetention)), ("WORCR_RETENTION_EXPIRED", nameof(NodeOptions.ExpiredRetention)),
        ("WORCR_RETENTION_BY_JOB_TYPE", nameof(NodeOptions.RetentionByJobType)), ("WORCR_RETENTION_BY_TENANT", nameof(NodeOptions.RetentionByTenant)),
        ("WORCR_RETENTION_WEBHOOKS", nameof(NodeOptions.WebhookRetention)), ("WORCR_RETENTION_IDLE_LANES", nameof(NodeOptions.IdleLaneRetention)),
        ("WORCR_RULE_VERSIONS_KEPT", nameof(NodeOptions.RuleVersionsKept)), ("WORCR_MAX_LANES_PER_TENANT", nameof(NodeOptions.MaxLanesPerTenant)),
        ("WORCR_MAX_WATCHES_PER_TENANT", nameof(NodeOptions.MaxWatchesPerTenant)),
    ];
}
