using System.Globalization;

namespace Worcr.Redis.Internal;

/// <summary>The parts of a <c>redis://</c> URL.</summary>
internal sealed record RedisEndpoint(string Host, int Port, string? User, string? Password, int Database)
{
    public const int DefaultPort = 6379;
    private const string Form = "redis://[[user]:password@]host[:port][/db], e.g. redis://:secret@127.0.0.1:6379/0";

    public override string ToString() => $"{Host}:{Port}/{Database}";

    public static RedisEndpoint Parse(string? url)
    {
        if (string.IsNullOrWhiteSpace(url)) throw Invalid(url, "it is empty");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw Invalid(url, "it is not a URL");
        if (uri.Scheme == "rediss") throw Invalid(url, "TLS (rediss://) is not supported");
        if (uri.Scheme != "redis") throw Invalid(url, $"the scheme is '{uri.Scheme}', not 'redis'");
        if (string.IsNullOrEmpty(uri.IdnHost)) throw Invalid(url, "the host is missing");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) throw Invalid(url, "query strings and fragments are not supported");
        var (user, password) = ParseUserInfo(url, uri.UserInfo);
        return new RedisEndpoint(uri.IdnHost, uri.Port < 0 ? DefaultPort : uri.Port, user, password, ParseDatabase(url, uri.AbsolutePath));
    }

    private static (string? User, string? Password) ParseUserInfo(string url, string userInfo)
    {
        if (userInfo.Length == 0) return (null, null);
        var colon = userInfo.IndexOf(':');
        if (colon < 0) throw Invalid(url, "a password must follow a ':' (use redis://:password@host for the default user)");
        var user = Uri.UnescapeDataString(userInfo[..colon]);
        var password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        if (password.Length == 0) throw Invalid(url, "the password after ':' is empty");
        return (user.Length == 0 ? null : user, password);
    }

    private static int ParseDatabase(string url, string path)
    {
        var text = path.TrimStart('/');
        if (text.Length == 0) return 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var database)
            ? database
            : throw Invalid(url, $"the database '{text}' is not a non-negative number");
    }

    private static ArgumentException Invalid(string? url, string reason) =>
        new($"RedisOptions.Url '{Redact(url)}' is not valid: {reason}. Expected {Form}.", "Url");

    // Error messages end up in logs: never print the password.
    private static string? Redact(string? url)
    {
        if (url is null) return null;
        var at = url.LastIndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
