using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Worcr.Server.Dispatch;
using Worcr.Server.Events;
using Worcr.Server.Fairness;
using Worcr.Server.Lifecycle;
using Worcr.Server.Limits;
using Worcr.Server.Maintenance;
using Worcr.Server.Workers;

namespace Worcr.Server.Hosting;

/// <summary>
/// The node's background loops, each a hosted service (<see cref="NodeLoop"/>) started with the host, after
/// <see cref="NodeStartup"/>, and stopped with it. The names are the ones the log uses for a loop that does not stop.
/// </summary>
internal static class NodeLoops
{
    public static IServiceCollection AddNodeLoops(this IServiceCollection services)
    {
        services.AddNodeLoop("dispatch loop", c => c.GetRequiredService<Dispatcher>().RunAsync);
        services.AddNodeLoop("completion writer", c => c.GetRequiredService<JobLifecycle>().RunCompletionsAsync);
        services.AddNodeLoop("enqueue batcher", c => c.GetRequiredService<JobLifecycle>().RunEnqueuesAsync);
        services.AddNodeLoop("report writer", c => c.GetRequiredService<ReportWriter>().RunAsync);
        services.AddNodeLoop("live events", c => c.GetRequiredService<LiveEvents>().RunAsync);
        services.AddNodeLoop("maintenance", c => c.GetRequiredService<MaintenanceLeader>().RunAsync);
        services.AddNodeLoop("webhook dispatcher", c => c.GetRequiredService<WebhookDispatcher>().RunAsync);
        services.AddNodeLoop("presence", c => token => RunPresenceAsync(c, token));
        services.AddNodeLoop("worker drain router", c => c.GetRequiredService<WorkerDrainRouter>().RunAsync);
        services.AddNodeLoop("notification pump", c => c.GetRequiredService<NotificationPump>().RunAsync);
        services.AddNodeLoop("limits", c => c.GetRequiredService<NodeLimits>().RunAsync);
        services.AddNodeLoop("tenant usage", c => c.GetRequiredService<RedisGroupUsage>().RunAsync);
        return services;
    }

    /// <summary>Presence announces the node's addresses, which Kestrel knows once the host has started.</summary>
    private static async Task RunPresenceAsync(IServiceProvider container, CancellationToken stoppingToken)
    {
        var started = container.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted;
        if (!started.IsCancellationRequested)
        {
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (started.Register(() => ready.TrySetResult()))
            using (stoppingToken.Register(() => ready.TrySetResult()))
                await ready.Task;
            if (stoppingToken.IsCancellationRequested) return;
        }
        var addresses = container.GetRequiredService<NodeAddresses>();
        var time = container.GetRequiredService<TimeProvider>();
        var leader = container.GetRequiredService<MaintenanceLeader>();
        var presence = new PresenceService(container.GetRequiredService<Redis.PresenceRegistry>(), container.GetRequiredService<Dispatcher>(),
            container.GetRequiredService<IOptions<LeaseOptions>>(), container.GetRequiredService<IOptions<NodeIdentityOptions>>(), time, addresses.Grpc.ToString())
        {
            HttpAddress = addresses.Http.ToString(), StartedAt = time.GetUtcNow(), IsLeader = () => leader.IsLeader,
        };
        await presence.RunAsync(stoppingToken);
    }
}
