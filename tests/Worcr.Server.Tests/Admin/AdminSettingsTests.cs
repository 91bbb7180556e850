using Worcr.Server.Hosting;

namespace Worcr.Server.Tests.Admin;

/// <summary>A node without any admin credential refuses to start unless explicitly insecure, and says how to fix it.</summary>
public sealed class AdminSettingsTests
{
    private static NodeOptions Options(Action<NodeOptions> configure)
    {
        var options = new NodeOptions { PostgresUrl = "postgres://localhost/x", RedisUrl = "redis://localhost:6379", WorkerToken = "token" };
        configure(options);
        return options;
    }

    [Fact]
    public void Neither_admin_password_nor_api_key_is_refused_naming_both_settings()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Options(_ => { }).Validate());

        Assert.Contains("AdminPassword or an ApiKey is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("--admin-password", error.Message, StringComparison.Ordinal);
        Assert.Contains("--insecure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_admin_password_alone_or_insecure_mode_is_enough()
    {
        Options(o => o.AdminPassword = "secret").Validate();
        Options(o => o.ApiKey = "key").Validate();
        Options(o => { o.WorkerToken = null; o.AllowUnauthenticated = true; }).Validate();
    }

    [Fact]
    public void A_read_only_password_equal_to_the_admin_password_is_refused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Options(o => { o.AdminPassword = "same"; o.ReadOnlyPassword = "same"; }).Validate());

        Assert.Contains("ReadOnlyPassword must differ", error.Message, StringComparison.Ordinal);
    }
}
