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
    CompletionBatcher Completions,
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

    /// <summary>Nodes and workers of every node (Redis presence), for the admin API's overview and dry run (set by DispatcherNode).</summary>
    public Worcr.Redis.PresenceRegistry Presence { get; init; } = null!;

    /// <summary>Tenant shares as the fair selector uses them, for the dry run (set by DispatcherNode).</summary>
    public Core.Fairness.ITenantShares TenantShares { get; init; } = Core.Fairness.EqualTenantShares.Instance;
}
