using Microsoft.Extensions.Logging;
using Worcr.Postgres;
using Worcr.Server.Dispatch;
using Worcr.Server.Rules;
using Worcr.Server.Services;

namespace Worcr.Server.Hosting;

/// <summary>The parts of a running node that its gRPC services call.</summary>
internal sealed record NodeServices(
    NodeOptions Options,
    JobStore Store,
    Dispatcher Dispatcher,
    Lifecycle.JobLifecycle Lifecycle,
    ReportWriter Reports,
    JobTypeRegistry JobTypes,
    Authenticator Authenticator,
    RuleCatalog Rules,
    ILogger Logger,
    CancellationToken Draining,
    Events.LiveEvents Events)
{
    /// <summary>Cron schedules, for the admin API (set by DispatcherNode).</summary>
    public CronStore Cron { get; init; } = null!;

    /// <summary>Webhook subscriptions and deliveries, for the admin API (set by DispatcherNode).</summary>
    public WebhookStore Webhooks { get; init; } = null!;

    /// <summary>Limit definitions, counters and the dispatch gate (set by DispatcherNode; docs/fairness-and-limits.md).</summary>
    public Limits.NodeLimits Limits { get; init; } = null!;

    /// <summary>Admin sessions in Redis (set by DispatcherNode; docs/admin-api.md, Authentication).</summary>
    public Admin.SessionStore Sessions { get; init; } = null!;

    /// <summary>Tenants and plans, for the admin API (set by DispatcherNode).</summary>
    public TenantStore Tenants { get; init; } = null!;

    /// <summary>Tenant API keys and the node's short-lived cache of them (set by DispatcherNode).</summary>
    public TenantKeyStore TenantKeys { get; init; } = null!;

    public TenantKeyCache TenantKeyCache { get; init; } = null!;

    /// <summary>Nodes and workers alive in Redis, for the admin API (set by DispatcherNode).</summary>
    public Redis.PresenceRegistry Presence { get; init; } = null!;

    /// <summary>Routes an operator's drain to the node holding the worker (set by DispatcherNode).</summary>
    public WorkerDrainRouter WorkerDrains { get; init; } = null!;

    /// <summary>The node's metrics and spans (set by DispatcherNode; docs/operations.md).</summary>
    public Telemetry.NodeTelemetry? Telemetry { get; set; }

    /// <summary>The node's clock (the TimeProvider in its container; tests may give a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Tenant shares as the fair selector uses them, for the dry run (set by DispatcherNode).</summary>
    public Core.Fairness.ITenantShares TenantShares { get; init; } = Core.Fairness.EqualTenantShares.Instance;
}
