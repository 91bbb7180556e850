using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;
using Worcr.Redis;

namespace Worcr.Admin;

/// <summary>
/// Admin sessions in Redis, so every node accepts them: random 256-bit ids, a sliding TTL. Redis holds only the
/// SHA-256 of an id, so reading Redis does not hand out usable session cookies.
/// </summary>
internal sealed class SessionStore
{
    // Reads the session and slides its expiry in one round trip.
    private const string Touch = """
        local value = redis.call('GET', KEYS[1])
        if value then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return value
        """;

    // A cookie longer than any id we issue is not worth hashing.
    private const int MaxIdLength = 100;
    private readonly RedisConnection _redis;
    private readonly string _keyPrefix;

    public SessionStore(RedisConnection redis, string keyPrefix, TimeSpan lifetime)
    {
        _redis = redis;
        _keyPrefix = keyPrefix;
        Lifetime = lifetime;
    }

    public TimeSpan Lifetime { get; }

    private long LifetimeMilliseconds => (long)Lifetime.TotalMilliseconds;

    /// <summary>Starts a session and returns its id (the cookie value) with the session.</summary>
    /// <param name="fingerprint">The fingerprint of the password that signed in, for the new id.</param>
    public async Task<(string Id, AdminSession Session)> CreateAsync(AdminRole role, Func<string, string> fingerprint, CancellationToken cancellationToken)
    {
        var id = NewSecret();
        var session = new AdminSession(role, NewSecret(), fingerprint(id));
        var value = $"{AdminRoleNames.Of(role)} {session.CsrfToken} {session.PasswordFingerprint}";
        await _redis.Database.StringSetAsync(Key(id), value, Lifetime).WaitAsync(cancellationToken);
        return (id, session);
    }

    /// <summary>The live session of that id (its TTL starts over), or null.</summary>
    public async Task<AdminSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > MaxIdLength) return null;
        var value = await _redis.EvalAsync(Touch, [Key(id)], [LifetimeMilliseconds], cancellationToken);
        return value.IsNull || value.ToString() is not { } text ? null : Parse(text);
    }

    /// <summary>As <see cref="FindAsync"/>, but its TTL goes on: a stream still open is no sign of someone at the page.</summary>
    public async Task<AdminSession?> PeekAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > MaxIdLength) return null;
        var value = await _redis.Database.StringGetAsync(Key(id)).WaitAsync(cancellationToken);
        return value.IsNull || value.ToString() is not { } text ? null : Parse(text);
    }

    // "role csrf fingerprint"; a session stored without a fingerprint (before fingerprints) is no session.
    private static AdminSession? Parse(string text)
    {
        var parts = text.Split(' ');
        return parts.Length == 3 && AdminRoleNames.Parse(parts[0]) is { } role ? new AdminSession(role, parts[1], parts[2]) : null;
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > MaxIdLength) return;
        await _redis.Database.KeyDeleteAsync(Key(id)).WaitAsync(cancellationToken);
    }

    private string Key(string id) => $"{_keyPrefix}session:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))}";

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
