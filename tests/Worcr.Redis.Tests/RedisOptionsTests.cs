using Worcr.Redis.Internal;

namespace Worcr.Redis.Tests;

public sealed class RedisOptionsTests
{
    [Fact]
    public void Full_url_gives_user_password_host_port_and_database()
    {
        var endpoint = RedisOptions.Parse("redis://alice:p%40ss@cache.local:6380/3").Endpoint;

        Assert.Equal(new RedisEndpoint("cache.local", 6380, "alice", "p@ss", 3), endpoint);
    }

    [Fact]
    public void Short_url_takes_the_default_port_and_database_zero()
    {
        Assert.Equal(new RedisEndpoint("localhost", 6379, null, "secret", 0), RedisOptions.Parse("redis://:secret@localhost").Endpoint);
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
    [InlineData("http://localhost", "scheme")]
    [InlineData("rediss://localhost", "TLS")]
    [InlineData("redis://localhost/x", "database")]
    [InlineData("redis://secret@localhost", "':'")]
    [InlineData("redis://localhost?timeout=1", "query")]
    public void Invalid_url_is_rejected_naming_the_setting_and_the_reason(string url, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisOptions.Parse(url));

        Assert.Contains("RedisOptions.Url", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Error_message_never_shows_the_password()
    {
        var error = Assert.Throws<ArgumentException>(() => RedisOptions.Parse("redis://:hunter2@localhost/abc"));

        Assert.DoesNotContain("hunter2", error.Message);
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
