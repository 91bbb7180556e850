namespace Worcr.Redis;

/// <summary>Redis answered the command with an error reply; the connection is fine.</summary>
public sealed class RedisServerException(string message) : Exception(message)
{
    /// <summary>The error code Redis puts first, e.g. <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>.</summary>
    public string Prefix => Message.Split(' ', 2)[0];
}
