using StackExchange.Redis;

namespace Worcr.Redis.Internal;

/// <summary>Turns <see cref="RedisOptions"/> into StackExchange.Redis's <see cref="ConfigurationOptions"/>.</summary>
internal static class RedisConfiguration
{
    public static ConfigurationOptions From(RedisOptions options)
    {
        options.Validate();
        var url = RedisUrl.Parse(options.Url);
        var configuration = new ConfigurationOptions
        {
            // The first connection must work (a wrong URL or password fails the start clearly); after that, the
            // multiplexer reconnects by itself and re-subscribes every channel.
            AbortOnConnectFail = true,
            ConnectTimeout = Milliseconds(options.ConnectTimeout),
            SyncTimeout = Milliseconds(options.CommandTimeout),
            AsyncTimeout = Milliseconds(options.CommandTimeout),
            // Quick first retries after a drop, then at most every 2 s so many nodes do not hammer a recovering server.
            ReconnectRetryPolicy = new ExponentialRetry(50, 2000),
            ClientName = "worcr",
            User = url.User,
            Password = url.Password,
            DefaultDatabase = url.Database,
            Ssl = url.Tls,
            ServiceName = url.SentinelService,
        };
        foreach (var host in url.Hosts) configuration.EndPoints.Add(host.Name, host.Port);
        if (url.CaFile is not null) configuration.TrustIssuer(RequireFile(url.CaFile, "ca"));
        if (url.ClientCertificateFile is not null) AddClientCertificate(configuration, url);
        return configuration;
    }

    private static void AddClientCertificate(ConfigurationOptions configuration, RedisUrl url)
    {
        var certificate = RequireFile(url.ClientCertificateFile!, "cert");
        if (certificate.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || certificate.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
        {
            configuration.SetUserPfxCertificate(certificate);
        }
        else
        {
            configuration.SetUserPemCertificate(certificate, url.ClientKeyFile is null ? null : RequireFile(url.ClientKeyFile, "key"));
        }
    }

    private static string RequireFile(string path, string parameter) =>
        File.Exists(path)
            ? path
            : throw new ArgumentException($"RedisOptions.Url: the file '{path}' given by {parameter}= does not exist.", "Url");

    private static int Milliseconds(TimeSpan value) => (int)Math.Min(int.MaxValue, Math.Ceiling(value.TotalMilliseconds));
}
