using System.Security.Cryptography;
using System.Text;

namespace Worcr.Redis.Internal;

/// <summary>
/// A Lua script with its SHA1 computed once here, so each call is a plain EVALSHA. Handing StackExchange.Redis the
/// script text instead costs a look-up keyed by the whole text and a multi-message send on every call (about 2 µs of
/// client CPU per call, measured in bench/RESULTS.md).
/// </summary>
internal sealed class RedisScript
{
    public RedisScript(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        Text = text;
        // Redis names a script by the SHA1 of its exact bytes, as sent (UTF-8).
        Sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    public string Text { get; }

    public byte[] Sha1 { get; }
}
