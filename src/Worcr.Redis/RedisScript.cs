using System.Security.Cryptography;
using System.Text;

namespace Worcr.Redis;

/// <summary>A Lua script and its SHA1, the name Redis caches it under (EVALSHA).</summary>
public sealed class RedisScript
{
    public RedisScript(string source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        Source = source;
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    public string Source { get; }

    /// <summary>Lower-case hex, as Redis prints it.</summary>
    public string Sha1 { get; }
}
