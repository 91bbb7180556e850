namespace Worcr.Redis.Internal;

/// <summary>Lua snippets shared by scripts.</summary>
internal static class LuaTime
{
    // The server's clock, not the caller's: nodes' clocks drift, and every script must agree on "now".
    public const string NowMilliseconds = """
        local time = redis.call('TIME')
        local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        """;
}
