using System.Text.RegularExpressions;

namespace Worcr.Server.Hosting;

/// <summary>
/// Settings of one dispatcher node. Every setting has a documented default; <see cref="Validate"/> runs at
/// start-up and names the setting that is wrong and how to fix it.
/// </summary>
public sealed partial class NodeOptions
{
    /// <summary>PostgreSQL connection string or postgres:// URL (required).</summary>
    public string PostgresUrl { get; set; } = "";

    /// <summary>Redis URL, redis://host:port (required).</summary>
    public string RedisUrl { get; set; } = "";

    /// <summary>PostgreSQL schema holding Worcr's tables. Default "worcr".</summary>
    public string Schema { get; set; } = "worcr";

    /// <summary>Prefix of every Redis key. Default "worcr:".</summary>
    public string RedisKeyPrefix { get; set; } = "worcr:";

    /// <summary>Address both listeners bind to. Default 127.0.0.1; use 0.0.0.0 behind a load balancer.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the gRPC listener (HTTP/2). Default 7070; 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 7070;

    /// <summary>Port of the HTTP listener (admin API, GUI, health, metrics). Default 7080; 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 7080;

    /// <summary>PEM certificate for TLS on the gRPC port; h2c (plain HTTP/2) when unset.</summary>
    public string? TlsCertificatePath { get; set; }

    /// <summary>PEM private key matching <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; set; }

    /// <summary>This node's id in leases and presence. Default host-pid-random.</summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A job whose lease is not renewed within this time goes back to waiting. Default 30 s.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often workers must send a heartbeat. Default 10 s (a third of the lease).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On a graceful stop, how long workers get to finish or yield their jobs before the node exits. Sent to them
    /// as the Drain deadline. Default 20 s; keep it under the orchestrator's termination grace period.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts a job gets when neither its enqueue call nor a rule says. Default 5.</summary>
    public int DefaultMaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubles with each failure (with jitter). Default 5 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest delay between retries. Default 1 h.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a node re-reads the lane backlog in case a notification was missed. Default 5 s.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the leader runs maintenance (lease reaper, scheduled promoter, expiry). Default 1 s.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most jobs one claim takes from a lane. Default 100.</summary>
    public int MaxClaimBatch { get; set; } = 100;

    /// <summary>Operator API key for producer calls ("authorization: Bearer KEY"). Required unless <see cref="AllowUnauthenticated"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Token workers present in Hello. Required unless <see cref="AllowUnauthenticated"/>.</summary>
    public string? WorkerToken { get; set; }

    /// <summary>Password that signs in to the admin GUI/API with full rights (POST /api/session). Unset: no password sign-in.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Optional second password that signs in with the read-only role (GETs and pure checks only).</summary>
    public string? ReadOnlyPassword { get; set; }

    /// <summary>An admin session ends after this long without a request (sliding; kept in Redis). Default 12 h.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Accept calls without credentials. Only for local development; never on a shared network.</summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>Job types producers may enqueue even before any worker for them has connected.</summary>
    public IList<string> JobTypes { get; set; } = new List<string>();

    /// <summary>Accept any job type at enqueue. Default false: a typo in a type is an error, not a job that waits forever.</summary>
    public bool AcceptUnknownJobTypes { get; set; }

    /// <summary>Folder of rule files (*.lua, *.js, one rule each) loaded at start-up; none when unset.</summary>
    public string? RulesDirectory { get; set; }

    /// <summary>
    /// How workers are shared between tenants: "round_robin" (equal turns), "weighted" (turns by tenant share:
    /// its own weight, else its plan's) or "fifo" (oldest work first, no tenant fairness). Default round_robin.
    /// Rule weights pick what each turn runs in every strategy.
    /// </summary>
    public string Fairness { get; set; } = "round_robin";

    /// <summary>Per job type fairness strategy, overriding <see cref="Fairness"/> (e.g. "import.bulk" → "fifo").</summary>
    public IDictionary<string, string> FairnessByJobType { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Inside a tenant's turn, a lane whose oldest job waited this long counts double. Default 5 min.</summary>
    public TimeSpan AgingPeriod { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest gRPC message accepted. Default 4 MiB.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Log lines stored per job: the newest are kept, older ones are counted in one "… K lines dropped" line. Default 1,000; at least 10.</summary>
    public int MaxLogLinesPerJob { get; set; } = 1000;

    /// <summary>
    /// Progress and log messages one worker stream may send per second (and at once, after a quiet spell). A worker
    /// over it is paused, not cut off: its reports arrive late but complete, and its other messages wait behind them,
    /// so a chatty worker slows itself and not the node. The SDK sends each progress counter at most 5 times a second.
    /// Default 2,000 (measured: a raw flood paced at 5,000 still took about 10% of other jobs' throughput on 2 cores,
    /// at 2,000 nothing measurable; bench/RESULTS.md); at least 10.
    /// </summary>
    public int WorkerReportsPerSecond { get; set; } = 2000;

    /// <summary>Throws with a message naming every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(PostgresUrl)) problems.Add("PostgresUrl is required: pass --postgres URL or set WORCR_POSTGRES.");
        if (string.IsNullOrWhiteSpace(RedisUrl)) problems.Add("RedisUrl is required: pass --redis URL or set WORCR_REDIS.");
        if (!SchemaName().IsMatch(Schema)) problems.Add($"Schema '{Schema}' must be lower-case letters, digits and '_', at most 40 characters.");
        if (GrpcPort is < 0 or > 65535) problems.Add($"GrpcPort {GrpcPort} must be between 0 and 65535.");
        if (HttpPort is < 0 or > 65535) problems.Add($"HttpPort {HttpPort} must be between 0 and 65535.");
        if (GrpcPort != 0 && GrpcPort == HttpPort) problems.Add("GrpcPort and HttpPort must differ.");
        if (LeaseDuration < TimeSpan.FromMilliseconds(100)) problems.Add("LeaseDuration must be at least 100 ms.");
        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= LeaseDuration) problems.Add("HeartbeatInterval must be positive and shorter than LeaseDuration (a third of it is a good choice).");
        if (DrainTimeout < TimeSpan.Zero) problems.Add("DrainTimeout must not be negative.");
        if (DefaultMaxAttempts < 1) problems.Add("DefaultMaxAttempts must be at least 1.");
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay) problems.Add("RetryBaseDelay must be positive and RetryMaxDelay at least as long.");
        if (ReconcileInterval <= TimeSpan.Zero) problems.Add("ReconcileInterval must be positive.");
        if (MaintenanceInterval <= TimeSpan.Zero) problems.Add("MaintenanceInterval must be positive.");
        if (MaxClaimBatch is < 1 or > 10_000) problems.Add("MaxClaimBatch must be between 1 and 10000.");
        foreach (var (scope, strategy) in FairnessByJobType.Prepend(new KeyValuePair<string, string>("", Fairness)))
        {
            if (strategy is not ("round_robin" or "weighted" or "fifo"))
            {
                problems.Add($"{(scope.Length == 0 ? "Fairness" : $"FairnessByJobType[{scope}]")} '{strategy}' must be \"round_robin\", \"weighted\" or \"fifo\".");
            }
        }
        if (AgingPeriod <= TimeSpan.Zero) problems.Add("AgingPeriod must be positive.");
        if (RulesDirectory is not null && !Directory.Exists(RulesDirectory)) problems.Add($"RulesDirectory '{RulesDirectory}' does not exist.");
        if (MaxMessageSize < 1024) problems.Add("MaxMessageSize must be at least 1024 bytes.");
        if (WorkerReportsPerSecond < 10) problems.Add($"WorkerReportsPerSecond {WorkerReportsPerSecond} must be at least 10.");
        if (MaxLogLinesPerJob < 10) problems.Add($"MaxLogLinesPerJob {MaxLogLinesPerJob} must be at least 10.");
        if (!AllowUnauthenticated && string.IsNullOrEmpty(WorkerToken))
        {
            problems.Add("WorkerToken is required (--worker-token or WORCR_WORKER_TOKEN); for local development only, AllowUnauthenticated=true (--insecure) turns authentication off.");
        }
        if (!AllowUnauthenticated && string.IsNullOrEmpty(ApiKey) && string.IsNullOrEmpty(AdminPassword))
        {
            problems.Add("An AdminPassword or an ApiKey is required, or nobody could administer the node (--admin-password / WORCR_ADMIN_PASSWORD, --api-key / WORCR_API_KEY); for local development only, AllowUnauthenticated=true (--insecure) turns authentication off.");
        }
        if (!string.IsNullOrEmpty(ReadOnlyPassword) && ReadOnlyPassword == AdminPassword) problems.Add("ReadOnlyPassword must differ from AdminPassword (it signs in with fewer rights).");
        if (SessionLifetime < TimeSpan.FromMinutes(1)) problems.Add("SessionLifetime must be at least 1 minute.");
        if ((TlsCertificatePath is null) != (TlsKeyPath is null)) problems.Add("TlsCertificatePath and TlsKeyPath go together: set both or neither.");
        ValidateTelemetry(problems);
        if (problems.Count > 0) throw new InvalidOperationException("Invalid node settings:\n- " + string.Join("\n- ", problems));
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,39}$")]
    private static partial Regex SchemaName();
}
