using System.Collections;
using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Configuration;

/// <summary>The TLS and trusted-proxy settings: their short variables, and a clear refusal when they do not fit.</summary>
public sealed class AdminTransportSettingsTests
{
    private static NodeOptions Valid() => new()
    {
        PostgresUrl = "postgres://localhost/x", RedisUrl = "redis://localhost:6379", WorkerToken = "token", ApiKey = "key",
    };

    [Fact]
    public void Tls_and_trusted_proxies_bind_from_their_short_variables()
    {
        var file = Path.Combine(Path.GetTempPath(), $"worcr-appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{}");
        try
        {
            var options = NodeConfiguration.Load(file, new Hashtable
            {
                ["WORCR_TLS_CERTIFICATE"] = "/etc/worcr/node.crt", ["WORCR_TLS_KEY"] = "/etc/worcr/node.key",
                ["WORCR_HTTP_TLS"] = "true", ["WORCR_TRUSTED_PROXIES"] = "10.0.0.5, 10.1.0.0/16",
            });

            Assert.Equal("/etc/worcr/node.crt", options.TlsCertificatePath);
            Assert.Equal("/etc/worcr/node.key", options.TlsKeyPath);
            Assert.True(options.HttpTls);
            Assert.Equal("10.0.0.5, 10.1.0.0/16", options.TrustedProxies);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_trusted_proxy_that_is_neither_an_address_nor_a_network_is_refused_by_name()
    {
        var options = Valid();
        options.TrustedProxies = "10.0.0.5, proxy.internal";

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("TrustedProxies", error.Message, StringComparison.Ordinal);
        Assert.Contains("'proxy.internal'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'10.0.0.5'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_tls_without_a_certificate_is_refused_by_name()
    {
        var options = Valid();
        options.HttpTls = true;

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains("HttpTls", error.Message, StringComparison.Ordinal);
    }
}
