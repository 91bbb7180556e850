namespace Worcr.Server.Hosting;

/// <summary>
/// Every setting of one dispatcher node, as one flat object: the shape of configuration section "Worcr", of the
/// WORCR_* variables and flags, and what tests and the CLI build. Each setting lives in the options class of its
/// concern (<see cref="LeaseOptions"/>, <see cref="AuthOptions"/>…), which is what the node's components receive
/// (IOptions&lt;T&gt;); the properties here read and write those. <see cref="Validate"/> runs every concern's
/// validator and names each setting that is wrong and how to fix it; the node runs the same validators at start.
/// </summary>
public sealed class NodeOptions
{
    internal StorageOptions Storage { get; } = new();

    internal ListenerOptions Listener { get; } = new();

    internal NodeIdentityOptions Identity { get; } = new();

    internal LeaseOptions Leases { get; } = new();

    internal RetryOptions Retries { get; } = new();

    internal DispatchOptions Dispatch { get; } = new();

    internal MaintenanceOptions Maintenance { get; } = new();

    internal AuthOptions Auth { get; } = new();

    internal AdminOptions Admin { get; } = new();

    internal CatalogOptions Catalog { get; } = new();

    internal FairnessOptions Sharing { get; } = new();

    internal WorkerLimitOptions WorkerLimits { get; } = new();

    internal WatchOptions Watches { get; } = new();

    internal TelemetryOptions Telemetry { get; } = new();

    internal RetentionOptions Retention { get; } = new();

    internal RuleSandboxOptions RuleSandbox { get; } = new();

    /// <inheritdoc cref="StorageOptions.PostgresUrl"/>
    public string PostgresUrl { get => Storage.PostgresUrl; set => Storage.PostgresUrl = value; }

    /// <inheritdoc cref="StorageOptions.RedisUrl"/>
    public string RedisUrl { get => Storage.RedisUrl; set => Storage.RedisUrl = value; }

    /// <inheritdoc cref="StorageOptions.Schema"/>
    public string Schema { get => Storage.Schema; set => Storage.Schema = value; }

    /// <inheritdoc cref="StorageOptions.RedisKeyPrefix"/>
    public string RedisKeyPrefix { get => Storage.RedisKeyPrefix; set => Storage.RedisKeyPrefix = value; }

    /// <inheritdoc cref="ListenerOptions.BindAddress"/>
    public string BindAddress { get => Listener.BindAddress; set => Listener.BindAddress = value; }

    /// <inheritdoc cref="ListenerOptions.GrpcPort"/>
    public int GrpcPort { get => Listener.GrpcPort; set => Listener.GrpcPort = value; }

    /// <inheritdoc cref="ListenerOptions.HttpPort"/>
    public int HttpPort { get => Listener.HttpPort; set => Listener.HttpPort = value; }

    /// <inheritdoc cref="ListenerOptions.TlsCertificatePath"/>
    public string? TlsCertificatePath { get => Listener.TlsCertificatePath; set => Listener.TlsCertificatePath = value; }

    /// <inheritdoc cref="ListenerOptions.TlsKeyPath"/>
    public string? TlsKeyPath { get => Listener.TlsKeyPath; set => Listener.TlsKeyPath = value; }

    /// <inheritdoc cref="ListenerOptions.HttpTls"/>
    public bool HttpTls { get => Listener.HttpTls; set => Listener.HttpTls = value; }

    /// <inheritdoc cref="ListenerOptions.MaxMessageSize"/>
    public int MaxMessageSize { get => Listener.MaxMessageSize; set => Listener.MaxMessageSize = value; }

    /// <inheritdoc cref="ListenerOptions.KeepAlivePingDelay"/>
    public TimeSpan KeepAlivePingDelay { get => Listener.KeepAlivePingDelay; set => Listener.KeepAlivePingDelay = value; }

    /// <inheritdoc cref="ListenerOptions.KeepAlivePingTimeout"/>
    public TimeSpan KeepAlivePingTimeout { get => Listener.KeepAlivePingTimeout; set => Listener.KeepAlivePingTimeout = value; }

    /// <inheritdoc cref="NodeIdentityOptions.NodeId"/>
    public string NodeId { get => Identity.NodeId; set => Identity.NodeId = value; }

    /// <inheritdoc cref="LeaseOptions.LeaseDuration"/>
    public TimeSpan LeaseDuration { get => Leases.LeaseDuration; set => Leases.LeaseDuration = value; }

    /// <inheritdoc cref="LeaseOptions.HeartbeatInterval"/>
    public TimeSpan HeartbeatInterval { get => Leases.HeartbeatInterval; set => Leases.HeartbeatInterval = value; }

    /// <inheritdoc cref="LeaseOptions.DrainTimeout"/>
    public TimeSpan DrainTimeout { get => Leases.DrainTimeout; set => Leases.DrainTimeout = value; }

    /// <inheritdoc cref="RetryOptions.DefaultMaxAttempts"/>
    public int DefaultMaxAttempts { get => Retries.DefaultMaxAttempts; set => Retries.DefaultMaxAttempts = value; }

    /// <inheritdoc cref="RetryOptions.RetryBaseDelay"/>
    public TimeSpan RetryBaseDelay { get => Retries.RetryBaseDelay; set => Retries.RetryBaseDelay = value; }

    /// <inheritdoc cref="RetryOptions.RetryMaxDelay"/>
    public TimeSpan RetryMaxDelay { get => Retries.RetryMaxDelay; set => Retries.RetryMaxDelay = value; }

    /// <inheritdoc cref="DispatchOptions.ReconcileInterval"/>
    public TimeSpan ReconcileInterval { get => Dispatch.ReconcileInterval; set => Dispatch.ReconcileInterval = value; }

    /// <inheritdoc cref="DispatchOptions.MaxClaimBatch"/>
    public int MaxClaimBatch { get => Dispatch.MaxClaimBatch; set => Dispatch.MaxClaimBatch = value; }

    /// <inheritdoc cref="MaintenanceOptions.MaintenanceInterval"/>
    public TimeSpan MaintenanceInterval { get => Maintenance.MaintenanceInterval; set => Maintenance.MaintenanceInterval = value; }

    /// <inheritdoc cref="AuthOptions.ApiKey"/>
    public string? ApiKey { get => Auth.ApiKey; set => Auth.ApiKey = value; }

    /// <inheritdoc cref="AuthOptions.WorkerToken"/>
    public string? WorkerToken { get => Auth.WorkerToken; set => Auth.WorkerToken = value; }

    /// <inheritdoc cref="AuthOptions.AdminPassword"/>
    public string? AdminPassword { get => Auth.AdminPassword; set => Auth.AdminPassword = value; }

    /// <inheritdoc cref="AuthOptions.ReadOnlyPassword"/>
    public string? ReadOnlyPassword { get => Auth.ReadOnlyPassword; set => Auth.ReadOnlyPassword = value; }

    /// <inheritdoc cref="AuthOptions.AllowUnauthenticated"/>
    public bool AllowUnauthenticated { get => Auth.AllowUnauthenticated; set => Auth.AllowUnauthenticated = value; }

    /// <inheritdoc cref="AdminOptions.SessionLifetime"/>
    public TimeSpan SessionLifetime { get => Admin.SessionLifetime; set => Admin.SessionLifetime = value; }

    /// <inheritdoc cref="AdminOptions.TrustedProxies"/>
    public string? TrustedProxies { get => Admin.TrustedProxies; set => Admin.TrustedProxies = value; }

    /// <inheritdoc cref="CatalogOptions.JobTypes"/>
    public IList<string> JobTypes { get => Catalog.JobTypes; set => Catalog.JobTypes = value; }

    /// <inheritdoc cref="CatalogOptions.AcceptUnknownJobTypes"/>
    public bool AcceptUnknownJobTypes { get => Catalog.AcceptUnknownJobTypes; set => Catalog.AcceptUnknownJobTypes = value; }

    /// <inheritdoc cref="CatalogOptions.RulesDirectory"/>
    public string? RulesDirectory { get => Catalog.RulesDirectory; set => Catalog.RulesDirectory = value; }

    /// <inheritdoc cref="FairnessOptions.Fairness"/>
    public string Fairness { get => Sharing.Fairness; set => Sharing.Fairness = value; }

    /// <inheritdoc cref="FairnessOptions.FairnessByJobType"/>
    public IDictionary<string, string> FairnessByJobType { get => Sharing.FairnessByJobType; set => Sharing.FairnessByJobType = value; }

    /// <inheritdoc cref="FairnessOptions.AgingPeriod"/>
    public TimeSpan AgingPeriod { get => Sharing.AgingPeriod; set => Sharing.AgingPeriod = value; }

    /// <inheritdoc cref="WorkerLimitOptions.MaxLogLinesPerJob"/>
    public int MaxLogLinesPerJob { get => WorkerLimits.MaxLogLinesPerJob; set => WorkerLimits.MaxLogLinesPerJob = value; }

    /// <inheritdoc cref="WorkerLimitOptions.WorkerReportsPerSecond"/>
    public int WorkerReportsPerSecond { get => WorkerLimits.WorkerReportsPerSecond; set => WorkerLimits.WorkerReportsPerSecond = value; }

    /// <inheritdoc cref="WatchOptions.MaxWatchesPerTenant"/>
    public int MaxWatchesPerTenant { get => Watches.MaxWatchesPerTenant; set => Watches.MaxWatchesPerTenant = value; }

    /// <inheritdoc cref="TelemetryOptions.OtlpEndpoint"/>
    public string? OtlpEndpoint { get => Telemetry.OtlpEndpoint; set => Telemetry.OtlpEndpoint = value; }

    /// <inheritdoc cref="TelemetryOptions.MetricLabelLimit"/>
    public int MetricLabelLimit { get => Telemetry.MetricLabelLimit; set => Telemetry.MetricLabelLimit = value; }

    /// <inheritdoc cref="RetentionOptions.CompletedRetention"/>
    public TimeSpan CompletedRetention { get => Retention.CompletedRetention; set => Retention.CompletedRetention = value; }

    /// <inheritdoc cref="RetentionOptions.DeadRetention"/>
    public TimeSpan DeadRetention { get => Retention.DeadRetention; set => Retention.DeadRetention = value; }

    /// <inheritdoc cref="RetentionOptions.CancelledRetention"/>
    public TimeSpan CancelledRetention { get => Retention.CancelledRetention; set => Retention.CancelledRetention = value; }

    /// <inheritdoc cref="RetentionOptions.ExpiredRetention"/>
    public TimeSpan ExpiredRetention { get => Retention.ExpiredRetention; set => Retention.ExpiredRetention = value; }

    /// <inheritdoc cref="RetentionOptions.RetentionByJobType"/>
    public IDictionary<string, string> RetentionByJobType { get => Retention.RetentionByJobType; set => Retention.RetentionByJobType = value; }

    /// <inheritdoc cref="RetentionOptions.RetentionByTenant"/>
    public IDictionary<string, string> RetentionByTenant { get => Retention.RetentionByTenant; set => Retention.RetentionByTenant = value; }

    /// <inheritdoc cref="RetentionOptions.WebhookRetention"/>
    public TimeSpan WebhookRetention { get => Retention.WebhookRetention; set => Retention.WebhookRetention = value; }

    /// <inheritdoc cref="RetentionOptions.IdleLaneRetention"/>
    public TimeSpan IdleLaneRetention { get => Retention.IdleLaneRetention; set => Retention.IdleLaneRetention = value; }

    /// <inheritdoc cref="RetentionOptions.RuleVersionsKept"/>
    public int RuleVersionsKept { get => Retention.RuleVersionsKept; set => Retention.RuleVersionsKept = value; }

    /// <inheritdoc cref="RetentionOptions.RetentionInterval"/>
    public TimeSpan RetentionInterval { get => Retention.RetentionInterval; set => Retention.RetentionInterval = value; }

    /// <inheritdoc cref="RetentionOptions.RetentionBatchSize"/>
    public int RetentionBatchSize { get => Retention.RetentionBatchSize; set => Retention.RetentionBatchSize = value; }

    /// <inheritdoc cref="RetentionOptions.HistoryDaysAhead"/>
    public int HistoryDaysAhead { get => Retention.HistoryDaysAhead; set => Retention.HistoryDaysAhead = value; }

    /// <inheritdoc cref="RetentionOptions.MaxLanesPerTenant"/>
    public int MaxLanesPerTenant { get => Retention.MaxLanesPerTenant; set => Retention.MaxLanesPerTenant = value; }

    /// <inheritdoc cref="RuleSandboxOptions.ScriptTimeBudget"/>
    public TimeSpan ScriptTimeBudget { get => RuleSandbox.ScriptTimeBudget; set => RuleSandbox.ScriptTimeBudget = value; }

    /// <inheritdoc cref="RuleSandboxOptions.LuaInstructionBudget"/>
    public int LuaInstructionBudget { get => RuleSandbox.LuaInstructionBudget; set => RuleSandbox.LuaInstructionBudget = value; }

    /// <inheritdoc cref="RuleSandboxOptions.LuaMemoryBytes"/>
    public long LuaMemoryBytes { get => RuleSandbox.LuaMemoryBytes; set => RuleSandbox.LuaMemoryBytes = value; }

    /// <inheritdoc cref="RuleSandboxOptions.JsStatementBudget"/>
    public int JsStatementBudget { get => RuleSandbox.JsStatementBudget; set => RuleSandbox.JsStatementBudget = value; }

    /// <inheritdoc cref="RuleSandboxOptions.JsAllocationBytes"/>
    public long JsAllocationBytes { get => RuleSandbox.JsAllocationBytes; set => RuleSandbox.JsAllocationBytes = value; }

    /// <inheritdoc cref="RuleSandboxOptions.JsRecursionDepth"/>
    public int JsRecursionDepth { get => RuleSandbox.JsRecursionDepth; set => RuleSandbox.JsRecursionDepth = value; }

    /// <inheritdoc cref="RuleSandboxOptions.MaxRuleCodeLength"/>
    public int MaxRuleCodeLength { get => RuleSandbox.MaxRuleCodeLength; set => RuleSandbox.MaxRuleCodeLength = value; }

    /// <inheritdoc cref="RuleSandboxOptions.WeightBreakerTripAfter"/>
    public int WeightBreakerTripAfter { get => RuleSandbox.WeightBreakerTripAfter; set => RuleSandbox.WeightBreakerTripAfter = value; }

    /// <inheritdoc cref="RuleSandboxOptions.WeightBreakerCoolDown"/>
    public TimeSpan WeightBreakerCoolDown { get => RuleSandbox.WeightBreakerCoolDown; set => RuleSandbox.WeightBreakerCoolDown = value; }

    /// <summary>Throws with a message naming every invalid setting.</summary>
    public void Validate()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0) throw new InvalidOperationException("Invalid node settings:\n- " + string.Join("\n- ", problems));
    }

    private IEnumerable<string> Problems() =>
    [
        .. new StorageOptionsValidator().Problems(Storage),
        .. new ListenerOptionsValidator().Problems(Listener),
        .. new LeaseOptionsValidator().Problems(Leases),
        .. new RetryOptionsValidator().Problems(Retries),
        .. new DispatchOptionsValidator().Problems(Dispatch),
        .. new MaintenanceOptionsValidator().Problems(Maintenance),
        .. new AuthOptionsValidator().Problems(Auth),
        .. new AdminOptionsValidator().Problems(Admin),
        .. new CatalogOptionsValidator().Problems(Catalog),
        .. new FairnessOptionsValidator().Problems(Sharing),
        .. new WorkerLimitOptionsValidator().Problems(WorkerLimits),
        .. new WatchOptionsValidator().Problems(Watches),
        .. new TelemetryOptionsValidator().Problems(Telemetry),
        .. new RetentionOptionsValidator().Problems(Retention),
        .. new RuleSandboxOptionsValidator().Problems(RuleSandbox),
    ];
}
