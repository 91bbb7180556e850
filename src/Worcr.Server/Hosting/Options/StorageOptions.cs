using System.Text.RegularExpressions;

namespace Worcr.Server.Hosting;

/// <summary>Where the node keeps jobs (PostgreSQL) and its fast, shared state (Redis).</summary>
public sealed class StorageOptions
{
    /// <summary>PostgreSQL connection string or postgres:// URL (required).</summary>
    public string PostgresUrl { get; set; } = "";

    /// <summary>Redis URL, redis://host:port (required).</summary>
    public string RedisUrl { get; set; } = "";

    /// <summary>PostgreSQL schema holding Worcr's tables. Default "worcr".</summary>
    public string Schema { get; set; } = "worcr";

    /// <summary>Prefix of every Redis key. Default "worcr:".</summary>
    public string RedisKeyPrefix { get; set; } = "worcr:";
}

internal sealed partial class StorageOptionsValidator : SettingsValidator<StorageOptions>
{
    public override IEnumerable<string> Problems(StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PostgresUrl)) yield return "PostgresUrl is required: pass --postgres URL or set WORCR_POSTGRES.";
        if (string.IsNullOrWhiteSpace(options.RedisUrl)) yield return "RedisUrl is required: pass --redis URL or set WORCR_REDIS.";
        if (!SchemaName().IsMatch(options.Schema)) yield return $"Schema '{options.Schema}' must be lower-case letters, digits and '_', at most 40 characters.";
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]{0,39}\z")]
    private static partial Regex SchemaName();
}
