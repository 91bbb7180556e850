namespace Worcr.Redis;

/// <summary>
/// What a Redis URL says: <c>redis://</c> or <c>rediss://</c> (TLS), an optional user and password, one host or
/// several (Cluster seeds, or Sentinels with <c>?sentinel=</c>), a database number and TLS files.
/// <see cref="Parse"/> names the part that is wrong; <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record RedisUrl
{
    /// <summary>The accepted form, quoted by every parse error.</summary>
    public const string Form =
        "redis[s]://[[user]:password@]host[:port][,host[:port]...][/db][?sentinel=SERVICE&ca=FILE&cert=FILE&key=FILE], " +
        "e.g. redis://:secret@127.0.0.1:6379/0";

    /// <summary>True for <c>rediss://</c>: every connection uses TLS.</summary>
    public bool Tls { get; init; }

    /// <summary>At least one; several for a Cluster (any subset of its nodes) or for a set of Sentinels.</summary>
    public required IReadOnlyList<RedisHost> Hosts { get; init; }

    /// <summary>The ACL user; null for the default user.</summary>
    public string? User { get; init; }

    public string? Password { get; init; }

    /// <summary>0 unless the path names another (Redis Cluster has only database 0).</summary>
    public int Database { get; init; }

    /// <summary>The Sentinel service (master) name: the hosts are then Sentinels that say where its primary is.</summary>
    public string? SentinelService { get; init; }

    /// <summary>PEM file of the authority that signed the server's certificate, when it is not in the system store.</summary>
    public string? CaFile { get; init; }

    /// <summary>The client certificate (PEM, or PFX without a password), for servers that require one (tls-auth-clients).</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>The client certificate's PEM private key, when it is not in <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>The URL without its password, fit for logs and error messages.</summary>
    public override string ToString()
    {
        var user = User is null && Password is null ? "" : $"{Escape(User ?? "")}{(Password is null ? "" : ":***")}@";
        var path = Database == 0 ? "" : $"/{Database}";
        var query = string.Join('&', QueryParameters().Select(p => $"{p.Name}={Escape(p.Value)}"));
        return $"{(Tls ? "rediss" : "redis")}://{user}{string.Join(',', Hosts)}{path}{(query.Length > 0 ? "?" + query : "")}";
    }

    /// <summary>Reads a URL; throws an <see cref="ArgumentException"/> naming the bad part (the password is never quoted).</summary>
    public static RedisUrl Parse(string? url) => Internal.RedisUrlParser.Parse(url);

    private IEnumerable<(string Name, string Value)> QueryParameters()
    {
        if (SentinelService is not null) yield return ("sentinel", SentinelService);
        if (CaFile is not null) yield return ("ca", CaFile);
        if (ClientCertificateFile is not null) yield return ("cert", ClientCertificateFile);
        if (ClientKeyFile is not null) yield return ("key", ClientKeyFile);
    }

    private static string Escape(string text) => Uri.EscapeDataString(text);
}
