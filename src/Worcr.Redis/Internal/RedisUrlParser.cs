using System.Globalization;

namespace Worcr.Redis.Internal;

/// <summary>
/// Reads <see cref="RedisUrl.Form"/> by hand: <see cref="Uri"/> refuses several hosts, and StackExchange.Redis's own
/// configuration string is another format (it takes "redis://host" for a host name).
/// </summary>
internal static class RedisUrlParser
{
    private static readonly string[] KnownParameters = ["sentinel", "ca", "cert", "key"];

    public static RedisUrl Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) throw Invalid(url, "it is empty");
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw Invalid(url, "it has no scheme (start it with redis:// or rediss:// for TLS)");
        var scheme = url[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("redis" or "rediss")) throw Invalid(url, $"the scheme is '{scheme}', not 'redis' or 'rediss' (TLS)");
        if (url.Contains('#')) throw Invalid(url, "fragments ('#...') are not supported");
        var rest = url[(schemeEnd + 3)..];
        // The user part ends at the last '@', so a password with an unescaped '/' or '?' is never read as a host or
        // path (and never quoted in an error); '@' in a password or query value must be escaped as %40.
        var at = rest.LastIndexOf('@');
        var (user, password) = at < 0 ? (null, null) : ParseUserInfo(url, rest[..at]);
        var (beforeQuery, query) = SplitOnce(rest[(at + 1)..], '?');
        var slash = beforeQuery.IndexOf('/');
        var hosts = ParseHosts(url, slash < 0 ? beforeQuery : beforeQuery[..slash]);
        var path = slash < 0 ? "" : beforeQuery[slash..];
        var parameters = ParseQuery(url, query);
        var result = new RedisUrl
        {
            Tls = scheme == "rediss",
            Hosts = hosts,
            User = user,
            Password = password,
            Database = ParseDatabase(url, path),
            SentinelService = parameters.GetValueOrDefault("sentinel"),
            CaFile = parameters.GetValueOrDefault("ca"),
            ClientCertificateFile = parameters.GetValueOrDefault("cert"),
            ClientKeyFile = parameters.GetValueOrDefault("key"),
        };
        CheckTlsParameters(url, result);
        return result;
    }

    private static (string? User, string? Password) ParseUserInfo(string url, string userInfo)
    {
        var colon = userInfo.IndexOf(':');
        if (colon < 0) throw Invalid(url, "a password must follow a ':' (use redis://:password@host for the default user, redis://user:password@host for an ACL user)");
        var user = Uri.UnescapeDataString(userInfo[..colon]);
        var password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (password.Length == 0) throw Invalid(url, "the password after ':' is empty");
        return (user.Length == 0 ? null : user, password);
    }

    private static RedisHost[] ParseHosts(string url, string hostList)
    {
        if (hostList.Length == 0) throw Invalid(url, "the host is missing");
        return hostList.Split(',').Select(host => ParseHost(url, host)).ToArray();
    }

    private static RedisHost ParseHost(string url, string text)
    {
        if (text.Length == 0) throw Invalid(url, "a host in the list is empty (hosts are separated by single commas)");
        string name;
        string? port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw Invalid(url, $"the IPv6 host '{text}' lacks its closing ']'");
            name = text[1..close];
            var after = text[(close + 1)..];
            if (after.Length > 0 && after[0] != ':') throw Invalid(url, $"'{after}' after the IPv6 host [{name}] is not a ':port'");
            port = after.Length > 0 ? after[1..] : null;
            if (Uri.CheckHostName(name) != UriHostNameType.IPv6) throw Invalid(url, $"'{name}' in brackets is not an IPv6 address");
        }
        else
        {
            (name, port) = SplitOnce(text, ':');
            if (Uri.CheckHostName(name) == UriHostNameType.Unknown) throw Invalid(url, $"the host '{name}' is not a host name or IP address");
        }
        return new RedisHost(name, port is null ? RedisHost.DefaultPort : ParsePort(url, name, port));
    }

    private static int ParsePort(string url, string host, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw Invalid(url, $"the port '{text}' of host '{host}' is not a number from 1 to 65535");

    private static int ParseDatabase(string url, string path)
    {
        var text = path.TrimStart('/');
        if (text.Length == 0) return 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var database)
            ? database
            : throw Invalid(url, $"the database '{text}' is not a non-negative number");
    }

    private static Dictionary<string, string> ParseQuery(string url, string? query)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(query)) return parameters;
        foreach (var pair in query.Split('&'))
        {
            var (name, value) = SplitOnce(pair, '=');
            if (!KnownParameters.Contains(name)) throw Invalid(url, $"the query parameter '{name}' is unknown (known: {string.Join(", ", KnownParameters)})");
            if (string.IsNullOrEmpty(value)) throw Invalid(url, $"the query parameter '{name}' has no value");
            if (!parameters.TryAdd(name, Uri.UnescapeDataString(value))) throw Invalid(url, $"the query parameter '{name}' is given twice");
        }
        return parameters;
    }

    private static void CheckTlsParameters(string url, RedisUrl result)
    {
        if (!result.Tls && (result.CaFile ?? result.ClientCertificateFile ?? result.ClientKeyFile) is not null)
        {
            throw Invalid(url, "ca, cert and key are TLS settings: use rediss:// to connect with TLS");
        }
        if (result.ClientKeyFile is not null && result.ClientCertificateFile is null)
        {
            throw Invalid(url, "key is the private key of a client certificate: give the certificate with cert= too");
        }
    }

    private static (string Before, string? After) SplitOnce(string text, char separator)
    {
        var index = text.IndexOf(separator);
        return index < 0 ? (text, null) : (text[..index], text[(index + 1)..]);
    }

    private static ArgumentException Invalid(string? url, string reason) =>
        new($"RedisOptions.Url '{Redact(url)}' is not valid: {reason}. Expected {RedisUrl.Form}.", "Url");

    // Error messages end up in logs: never print the password.
    private static string? Redact(string? url)
    {
        if (url is null) return null;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        // The last '@' anywhere: a password may hold an unescaped '/' or '?', and showing too little beats showing it.
        var at = url.LastIndexOf('@');
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
