namespace Worcr.Server.Hosting;

/// <summary>The admin API and GUI (docs/admin-api.md).</summary>
public sealed class AdminOptions
{
    /// <summary>An admin session ends after this long without a request (sliding; kept in Redis). Default 12 h.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

internal sealed class AdminOptionsValidator : SettingsValidator<AdminOptions>
{
    public override IEnumerable<string> Problems(AdminOptions options)
    {
        if (options.SessionLifetime < TimeSpan.FromMinutes(1)) yield return "SessionLifetime must be at least 1 minute.";
    }
}
