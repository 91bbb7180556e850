using System.Collections;
using Worcr.Server.Hosting;
using Worcr.Server.Tests.Infrastructure;
using Worcr.Testing;
using Worcr.Worker;

namespace Worcr.Server.Tests.Configuration;

/// <summary>Every short WORCR_* variable can name a file that holds its value instead (Docker and Kubernetes secrets).</summary>
public sealed class SecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("worcr-secrets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Secret(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Each_secret_setting_reads_its_file_without_the_final_line_break()
    {
        var environment = new Hashtable
        {
            ["WORCR_API_KEY_FILE"] = Secret("api_key", "key-from-file\n"),
            ["WORCR_WORKER_TOKEN_FILE"] = Secret("worker_token", "token-from-file\r\n"),
            ["WORCR_ADMIN_PASSWORD_FILE"] = Secret("admin_password", "pass word\n"),
            ["WORCR_POSTGRES_FILE"] = Secret("postgres_url", "postgres://worcr:s3cret@db/worcr"),
            ["WORCR_REDIS_FILE"] = Secret("redis_url", "redis://:s3cret@redis:6379\n"),
        };

        var options = NodeConfiguration.Load(Path.Combine(_directory, "none.json"), environment);

        Assert.Equal("key-from-file", options.ApiKey);
        Assert.Equal("token-from-file", options.WorkerToken);
        Assert.Equal("pass word", options.AdminPassword);
        Assert.Equal("postgres://worcr:s3cret@db/worcr", options.PostgresUrl);
        Assert.Equal("redis://:s3cret@redis:6379", options.RedisUrl);
    }

    [Fact]
    public void A_flag_still_wins_over_a_secret_file()
    {
        var environment = new Hashtable { ["WORCR_API_KEY_FILE"] = Secret("api_key", "from-file") };

        var options = NodeConfiguration.Load(Path.Combine(_directory, "none.json"), environment, new Dictionary<string, string?> { ["ApiKey"] = "from-flag" });

        Assert.Equal("from-flag", options.ApiKey);
    }

    [Fact]
    public void A_variable_given_both_ways_is_an_error_naming_both()
    {
        var environment = new Hashtable { ["WORCR_API_KEY"] = "inline", ["WORCR_API_KEY_FILE"] = Secret("api_key", "from-file") };

        var error = Assert.Throws<InvalidOperationException>(() => NodeConfiguration.Load(Path.Combine(_directory, "none.json"), environment));

        Assert.Contains("WORCR_API_KEY or WORCR_API_KEY_FILE", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    public void A_secret_file_that_is_missing_or_empty_is_an_error_naming_the_variable(string problem)
    {
        var path = problem == "empty" ? Secret("empty", "\n") : Path.Combine(_directory, "nowhere");
        var environment = new Hashtable { ["WORCR_WORKER_TOKEN_FILE"] = path };

        var error = Assert.Throws<InvalidOperationException>(() => NodeConfiguration.Load(Path.Combine(_directory, "none.json"), environment));

        Assert.Contains("WORCR_WORKER_TOKEN_FILE", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_configured_from_secret_files_connects_and_authenticates_with_them()
    {
        var environment = new Hashtable
        {
            ["WORCR_POSTGRES_FILE"] = Secret("postgres_url", await TestServices.PostgresAsync() + "\n"),
            ["WORCR_REDIS_FILE"] = Secret("redis_url", await TestServices.RedisAsync() + "\n"),
            ["WORCR_API_KEY_FILE"] = Secret("api_key", "file-api-key-5d1e\n"),
            ["WORCR_WORKER_TOKEN_FILE"] = Secret("worker_token", "file-worker-token-0b7c\n"),
        };
        var loaded = NodeConfiguration.Load(Path.Combine(_directory, "none.json"), environment);
        await using var cluster = await TestCluster.StartAsync(configure: options =>
        {
            options.PostgresUrl = loaded.PostgresUrl;
            options.RedisUrl = loaded.RedisUrl;
            options.ApiKey = loaded.ApiKey;
            options.WorkerToken = loaded.WorkerToken;
            options.AllowUnauthenticated = false;
        });

        var id = await cluster.Client(apiKey: "file-api-key-5d1e").EnqueueAsync("test.echo", "acme");
        var refused = await Assert.ThrowsAsync<WorcrNodeException>(() => cluster.Client(apiKey: "file-api-key-5d1e\n".Trim() + "x").EnqueueAsync("test.echo", "acme"));

        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal(WorcrErrorCode.Unauthenticated, refused.Code);
    }
}
