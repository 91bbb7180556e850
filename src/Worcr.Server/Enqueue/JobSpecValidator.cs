using System.Text.Json;
using System.Text.RegularExpressions;
using Worcr.Core.Errors;
using Worcr.Protocol.V1;

namespace Worcr.Server.Enqueue;

/// <summary>Checks what producers and workers send, with errors that say which field is wrong and why.</summary>
internal static partial class JobSpecValidator
{
    public const int MaxArgsBytes = 1024 * 1024;
    public const int MaxTags = 32;

    public static void ValidateType(string type, string field)
    {
        if (string.IsNullOrEmpty(type)) throw Invalid($"{field}: the job type is required.");
        if (!TypeName().IsMatch(type)) throw Invalid($"{field}: job type '{Shorten(type)}' must be 1-200 letters, digits or '.', '-', '_', ':'.");
    }

    public static void ValidateTenant(string tenant, string field)
    {
        if (string.IsNullOrEmpty(tenant)) throw Invalid($"{field}: the tenant is required.");
        if (!TenantName().IsMatch(tenant)) throw Invalid($"{field}: tenant '{Shorten(tenant)}' must be 1-200 letters, digits or '.', '-', '_', ':', '@'.");
    }

    public static void ValidateTags(IEnumerable<string> tags, string field)
    {
        var count = 0;
        foreach (var tag in tags)
        {
            if (++count > MaxTags) throw Invalid($"{field}: at most {MaxTags} tags.");
            if (!TagName().IsMatch(tag)) throw Invalid($"{field}: tag '{Shorten(tag)}' must be 1-100 letters, digits or '.', '-', '_', ':', '='.");
        }
    }

    /// <summary>Returns the JSON text when it parses (empty becomes "{}").</summary>
    public static string ValidateJson(string json, string field)
    {
        if (string.IsNullOrEmpty(json)) return "{}";
        if (json.Length > MaxArgsBytes) throw Invalid($"{field}: at most {MaxArgsBytes} bytes of JSON.");
        try
        {
            using var document = JsonDocument.Parse(json);
            return json;
        }
        catch (JsonException exception)
        {
            throw Invalid($"{field}: not valid JSON ({exception.Message}).");
        }
    }

    public static void ValidateSpec(JobSpec spec, string field)
    {
        ValidateType(spec.Type, $"{field}.type");
        ValidateTenant(spec.Tenant, $"{field}.tenant");
        ValidateTags(spec.Tags, $"{field}.tags");
        if (spec.Weight < 0 || double.IsNaN(spec.Weight) || double.IsInfinity(spec.Weight)) throw Invalid($"{field}.weight must be a positive number (0 means the default of 1).");
        if (spec.MaxAttempts is < 0 or > 1000) throw Invalid($"{field}.max_attempts must be between 0 (default) and 1000.");
        if (spec.UniqueKey.Length > 500) throw Invalid($"{field}.unique_key: at most 500 characters.");
        if (spec.UniqueWindow is { } window && window.ToTimeSpan() <= TimeSpan.Zero) throw Invalid($"{field}.unique_window must be positive when set.");
        if (spec.ExpiresAt is { } expires && spec.RunAt is { } runAt && expires.ToDateTimeOffset() <= runAt.ToDateTimeOffset())
        {
            throw Invalid($"{field}.expires_at must be after run_at.");
        }
    }

    private static WorcrError Invalid(string message) => WorcrError.InvalidArgument(message);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,200}$")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"^[A-Za-z0-9._:@\-]{1,200}$")]
    private static partial Regex TenantName();

    [GeneratedRegex(@"^[A-Za-z0-9._:=\-]{1,100}$")]
    private static partial Regex TagName();
}
