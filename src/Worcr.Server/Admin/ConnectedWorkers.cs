using Microsoft.Extensions.Logging;
using Worcr.Core.Dispatch;
using Worcr.Core.Lanes;
using Worcr.Server.Dispatch;

namespace Worcr.Server.Admin;

/// <summary>
/// Every connected worker: this node's sessions as they are now, and other nodes' workers from Redis presence
/// (node, tags, types, refreshed every heartbeat). If Redis cannot be read, this node's workers only.
/// </summary>
internal static class ConnectedWorkers
{
    public const int MaxWorkers = 500;

    public static async Task<IReadOnlyList<ConnectedWorker>> ListAsync(Redis.PresenceRegistry presence, Dispatch.Dispatcher dispatcher, string nodeId,
        ILogger logger, CancellationToken cancellationToken)
    {
        var workers = new Dictionary<string, ConnectedWorker>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in await presence.ListAsync("worker", cancellationToken))
            {
                var tags = Split(entry.Info.GetValueOrDefault("tags"));
                var types = Split(entry.Info.GetValueOrDefault("types")).ToHashSet(StringComparer.Ordinal);
                workers[entry.Id] = new ConnectedWorker(new WorkerProfile(entry.Id, Lane.NormaliseTags(tags), types), entry.Info.GetValueOrDefault("node") ?? "");
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            AdminDataLog.PresenceUnreadable(logger, exception);
        }
        foreach (var session in dispatcher.Sessions) workers[session.WorkerId] = new ConnectedWorker(session.Profile, nodeId);
        return workers.Values.OrderBy(w => w.Profile.WorkerId, StringComparer.Ordinal).Take(MaxWorkers).ToList();
    }

    private static string[] Split(string? list) => string.IsNullOrEmpty(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
