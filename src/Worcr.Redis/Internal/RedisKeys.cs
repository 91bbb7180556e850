namespace Worcr.Redis.Internal;

/// <summary>
/// Key names. The part in braces is the Redis Cluster hash tag: every key one script touches shares it,
/// so each script stays within one hash slot.
/// </summary>
internal static class RedisKeys
{
    public static string Lock(string prefix, string name) => $"{prefix}lock:{{{name}}}";

    public static string LockFencing(string prefix, string name) => $"{prefix}lock:{{{name}}}:fencing";

    public static string PresenceIndex(string prefix, string kind) => $"{prefix}presence:{{{kind}}}";

    public static string PresenceEntry(string prefix, string kind, string id) => $"{prefix}presence:{{{kind}}}:{id}";
}
