using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Worcr.Postgres;
using Worcr.Server.Fairness;
using Worcr.Server.Hosting;
using Worcr.Server.Limits;
using Worcr.Server.Rules;

namespace Worcr.Server.Dispatch;

/// <summary>
/// Hands each PostgreSQL notification to the part it concerns: new jobs and cancels to the dispatcher, changed
/// rules, tenants and limits to their reloads. After a reconnect, whatever was announced meanwhile is re-read.
/// It runs on the listener connection's read loop (<see cref="PostgresListener"/>), so it only queues work and wakes
/// loops: nothing here may block or wait for I/O before its first await.
/// </summary>
internal sealed class NotificationPump(NodeConnections connections, WorcrDatabase database, Dispatcher dispatcher, RuleCatalog rules,
    TenantShareTable tenantShares, NodeLimits limits, IOptions<NodeIdentityOptions> identity, ILogger<NotificationPump> logger)
{
    private readonly string _nodeId = identity.Value.NodeId;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in connections.Listener.Notifications.ReadAllAsync(stoppingToken))
            {
                if (notification.Channel == database.CancelChannel) CancelRouter.Route(notification.Payload, _nodeId, dispatcher);
                else if (notification.Channel == database.JobsChannel) dispatcher.OnJobsNotification(notification.Payload);
                else if (notification.Channel == database.RulesChannel) _ = ReloadRulesAsync(stoppingToken);
                else if (notification.Channel == database.TenantsChannel) _ = ReloadTenantSharesAsync(stoppingToken);
                else if (notification.Channel == database.LimitsChannel) _ = limits.ReloadAsync(stoppingToken);
                else
                {
                    // Reconnected: anything announced meanwhile is lost, so re-read jobs, rules, tenant shares and limits.
                    dispatcher.RequestReconcile();
                    _ = ReloadRulesAsync(stoppingToken);
                    _ = ReloadTenantSharesAsync(stoppingToken);
                    _ = limits.ReloadAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadTenantSharesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await tenantShares.ReloadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.TenantsReloadFailed(logger, exception);
        }
    }

    private async Task ReloadRulesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await rules.ReloadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ServerLog.RulesReloadFailed(logger, exception);
        }
    }
}
