using StackExchange.Redis;
using Worcr.Redis.Internal;

namespace Worcr.Redis.Tests;

public sealed class RedisUrlTests
{
    [Fact]
    public void Full_url_gives_user_password_host_port_and_database()
    {
        var url = RedisUrl.Parse("redis://alice:p%40ss@cache.local:6380/3");

        Assert.Equal((false, "alice", "p@ss", 3), (url.Tls, url.User, url.Password, url.Database));
        Assert.Equal([new RedisHost("cache.local", 6380)], url.Hosts);
    }

    [Fact]
    public void Short_url_takes_the_default_port_database_zero_and_the_default_user()
    {
        var url = RedisUrl.Parse("redis://:secret@localhost");

        Assert.Equal((null, "secret", 0), (url.User, url.Password, url.Database));
        Assert.Equal([new RedisHost("localhost", 6379)], url.Hosts);
    }

    [Fact]
    public void Several_hosts_are_cluster_seeds_and_IPv6_hosts_go_in_brackets()
    {
        var url = RedisUrl.Parse("redis://10.0.0.1:7000,node-b,[::1]:7002");

        Assert.Equal([new RedisHost("10.0.0.1", 7000), new RedisHost("node-b", 6379), new RedisHost("::1", 7002)], url.Hosts);
    }

    [Fact]
    public void Rediss_with_tls_files_and_a_sentinel_service_is_read_whole()
    {
        var url = RedisUrl.Parse("rediss://app:pw@s1:26379,s2:26379/2?sentinel=mymaster&ca=%2Fetc%2Fca.pem&cert=/etc/c.pem&key=/etc/c.key");

        Assert.Equal((true, "mymaster", "/etc/ca.pem", "/etc/c.pem", "/etc/c.key", 2),
            (url.Tls, url.SentinelService, url.CaFile, url.ClientCertificateFile, url.ClientKeyFile, url.Database));
    }

    [Fact]
    public void Printed_url_hides_the_password_and_reads_back_the_same()
    {
        var url = RedisUrl.Parse("rediss://app:hunter2@a:1,b:2/4?sentinel=m&ca=/ca.pem");

        Assert.Equal("rediss://app:***@a:1,b:2/4?sentinel=m&ca=%2Fca.pem", url.ToString());
        Assert.Equal(url with { Password = "***" }, RedisUrl.Parse(url.ToString()) with { Hosts = url.Hosts });
    }

    [Fact]
    public void Defaults_are_documented_values()
    {
        var options = new RedisOptions();

        Assert.Equal(("redis://127.0.0.1:6379", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), "worcr:"),
            (options.Url, options.ConnectTimeout, options.CommandTimeout, options.KeyPrefix));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("localhost:6379", "no scheme")]
    [InlineData("http://localhost", "scheme is 'http'")]
    [InlineData("redis://localhost/x", "database 'x'")]
    [InlineData("redis://secret@localhost", "':'")]
    [InlineData("redis://:@localhost", "password after ':' is empty")]
    [InlineData("redis://", "host is missing")]
    [InlineData("redis://a,,b", "host in the list is empty")]
    [InlineData("redis://localhost:70000", "port '70000' of host 'localhost'")]
    [InlineData("redis://localhost:x", "port 'x'")]
    [InlineData("redis://bad_host!", "host 'bad_host!'")]
    [InlineData("redis://[::1", "closing ']'")]
    [InlineData("redis://localhost?timeout=1", "query parameter 'timeout' is unknown")]
    [InlineData("redis://localhost?sentinel=", "'sentinel' has no value")]
    [InlineData("redis://localhost?sentinel=a&sentinel=b", "'sentinel' is given twice")]
    [InlineData("redis://localhost?ca=/ca.pem", "use rediss://")]
    [InlineData("rediss://localhost?key=/k.pem", "give the certificate with cert=")]
    [InlineData("redis://localhost#top", "fragments")]
    public void Invalid_url_is_rejected_naming_the_setting_and_the_bad_part(string url, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisOptions.Parse(url));

        Assert.Contains("RedisOptions.Url", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("redis://:hunter2@localhost/abc")]
    [InlineData("redis://user:hunter2@localhost?nope=1")]
    [InlineData("redis://user:hun/ter2@localhost:x")]
    public void Error_message_never_shows_the_password(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisOptions.Parse(url));

        Assert.DoesNotContain("hunter2", error.Message);
        Assert.DoesNotContain("ter2", error.Message);
    }

    [Fact]
    public void Missing_tls_file_is_named_when_connecting()
    {
        var options = new RedisOptions { Url = "rediss://localhost?ca=/nonexistent/ca.pem" };

        var error = Assert.Throws<ArgumentException>(() => RedisConfiguration.From(options));

        Assert.Contains("'/nonexistent/ca.pem' given by ca=", error.Message);
    }

    [Fact]
    public void Url_becomes_the_multiplexer_configuration()
    {
        var options = new RedisOptions
        {
            Url = "rediss://app:pw@s1:26379,s2:26380/2?sentinel=mymaster",
            ConnectTimeout = TimeSpan.FromSeconds(3),
            CommandTimeout = TimeSpan.FromSeconds(4),
        };

        var configuration = RedisConfiguration.From(options);

        Assert.Equal(["s1:26379", "s2:26380"], configuration.EndPoints.Cast<System.Net.DnsEndPoint>().Select(e => $"{e.Host}:{e.Port}"));
        Assert.Equal((true, "app", "pw", 2, "mymaster", 3000, 4000, true),
            (configuration.Ssl, configuration.User, configuration.Password, configuration.DefaultDatabase, configuration.ServiceName,
             configuration.ConnectTimeout, configuration.AsyncTimeout, configuration.AbortOnConnectFail));
    }

    [Fact]
    public void StackExchange_parse_misreads_a_redis_url_which_is_why_the_adapter_exists()
    {
        // The trap the adapter avoids: the library takes the whole URL for a host name instead of refusing it.
        var configuration = ConfigurationOptions.Parse("redis://:secret@cache:6380/3");

        Assert.Null(configuration.Password);
        Assert.NotEqual(3, configuration.DefaultDatabase);
    }

    [Fact]
    public void Non_positive_timeout_is_rejected_by_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisOptions { CommandTimeout = TimeSpan.Zero }.Validate());

        Assert.Contains("RedisOptions.CommandTimeout", error.Message);
    }

    [Fact]
    public void Key_prefix_with_braces_is_rejected_because_it_would_change_hash_slots()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisOptions { KeyPrefix = "{x}:" }.Validate());

        Assert.Contains("RedisOptions.KeyPrefix", error.Message);
    }
}
