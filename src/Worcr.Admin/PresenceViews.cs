using System.Globalization;
using Worcr.Redis;

namespace Worcr.Admin;

/// <summary>Reads the presence entries PresenceService writes; fields a node of an older version did not write read as empty.</summary>
internal static class PresenceViews
{
    public static WorkerView Worker(PresenceEntry entry) => new(
        entry.Id,
        Text(entry, "node"),
        List(entry, "tags"),
        List(entry, "types"),
        Number(entry, "capacity"),
        Number(entry, "running"),
        List(entry, "jobs"),
        Time(entry, "connected"),
        entry.LastSeen,
        Text(entry, "draining") == "1");

    public static NodeView Node(PresenceEntry entry) => new(
        entry.Id,
        Text(entry, "grpc"),
        Text(entry, "http") is { Length: > 0 } http ? http : null,
        Number(entry, "workers"),
        Time(entry, "started"),
        entry.LastSeen,
        Text(entry, "leader") == "1");

    private static string Text(PresenceEntry entry, string field) => entry.Info.GetValueOrDefault(field, "");

    private static IReadOnlyList<string> List(PresenceEntry entry, string field) =>
        Text(entry, field).Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static int Number(PresenceEntry entry, string field) =>
        int.TryParse(Text(entry, field), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static DateTimeOffset? Time(PresenceEntry entry, string field) =>
        long.TryParse(Text(entry, field), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
