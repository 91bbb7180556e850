using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Worcr.Core.Errors;
using Worcr.Core.Input;
using Worcr.Postgres;
using Worcr.Protocol.V1;

namespace Worcr.Server.Enqueue;

/// <summary>
/// Checks what producers and workers send, with errors that say which field is wrong and why. The limits live in
/// <see cref="InputLimits"/>; every check here throws <see cref="WorcrError"/> (INVALID_ARGUMENT, HTTP 400).
/// </summary>
internal static partial class JobSpecValidator
{
    // Protobuf Timestamps beyond these seconds have no DateTimeOffset (years 1 to 9999).
    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    /// <summary>The rule is <see cref="JobTypeFormat"/>, which the worker SDK checks too.</summary>
    public static void ValidateType(string type, FieldName field)
    {
        if (JobTypeFormat.Problem(type, field) is { } problem) throw Invalid(problem);
    }

    public static void ValidateTenant(string tenant, FieldName field)
    {
        if (string.IsNullOrEmpty(tenant)) throw Invalid($"{field}: the tenant is required.");
        if (!TenantName().IsMatch(tenant)) throw Invalid($"{field}: tenant {TextCheck.Quote(tenant)} must be 1-{InputLimits.MaxTenantLength} letters, digits or '.', '-', '_', ':', '@'.");
    }

    public static void ValidateTags(IEnumerable<string> tags, FieldName field)
    {
        if (TagsProblem(tags, field) is { } problem) throw Invalid(problem);
    }

    /// <summary>What is wrong with <paramref name="tags"/> as a job's tags, or null (the admin API's tag-match check asks too).</summary>
    public static string? TagsProblem(IEnumerable<string> tags, FieldName field)
    {
        var count = 0;
        foreach (var tag in tags)
        {
            if (++count > InputLimits.MaxTags) return $"{field}: at most {InputLimits.MaxTags} tags.";
            if (!TagName().IsMatch(tag)) return $"{field}[{count - 1}]: tag {TextCheck.Quote(tag)} must be 1-{InputLimits.MaxTagLength} letters, digits or '.', '-', '_', ':', '='.";
        }
        return null;
    }

    /// <summary>Returns the JSON text when it is acceptable (empty becomes "{}"); see <see cref="JsonCheck"/>.</summary>
    public static string ValidateJson(string json, FieldName field) => ValidateJson(json, field, out _);

    /// <param name="storedBytes">An upper bound of the JSON's size once PostgreSQL prints it back.</param>
    public static string ValidateJson(string json, FieldName field, out long storedBytes)
    {
        storedBytes = 2;
        if (string.IsNullOrEmpty(json)) return "{}";
        // Characters first: a string of N chars is at least N bytes of UTF-8, and counting bytes of a huge one costs.
        if (json.Length > InputLimits.MaxArgsBytes) throw Invalid($"{field}: at most {InputLimits.MaxArgsBytes} bytes of JSON (got {json.Length} characters).");
        if (JsonCheck.Problem(json, field, out storedBytes) is { } problem) throw Invalid(problem);
        if (storedBytes > InputLimits.MaxArgsBytes)
        {
            throw Invalid($"{field}: about {storedBytes} bytes once stored (PostgreSQL writes numbers in full and adds spaces), over the {InputLimits.MaxArgsBytes}-byte limit.");
        }
        return json;
    }

    /// <summary>Free text (reasons, keys, labels): bounded, no NUL, no lone surrogate.</summary>
    public static void ValidateText(string text, FieldName field, int maxLength)
    {
        if (TextCheck.Problem(text, field, maxLength) is { } problem) throw Invalid(problem);
    }

    public static void ValidateSpec(JobSpec spec, string field)
    {
        ValidateType(spec.Type, new FieldName(field, "type"));
        ValidateTenant(spec.Tenant, new FieldName(field, "tenant"));
        ValidateTags(spec.Tags, new FieldName(field, "tags"));
        if (spec.Weight < 0 || double.IsNaN(spec.Weight) || double.IsInfinity(spec.Weight) || spec.Weight > InputLimits.MaxJobWeight)
        {
            throw Invalid($"{field}.weight: {spec.Weight.ToString(CultureInfo.InvariantCulture)} is not a number above 0 and at most {InputLimits.MaxJobWeight:0} (0 means the default of 1).");
        }
        if (spec.MaxAttempts is < 0 or > InputLimits.MaxAttempts) throw Invalid($"{field}.max_attempts must be between 0 (default) and {InputLimits.MaxAttempts}.");
        ValidateText(spec.UniqueKey, new FieldName(field, "unique_key"), InputLimits.MaxUniqueKeyLength);
        if (spec.UniqueKey.StartsWith(CronFire.UniqueKeyPrefix, StringComparison.Ordinal))
        {
            // A producer holding a schedule's key for a tick first would make its own job stand in for the schedule's.
            throw Invalid($"{field}.unique_key: keys starting with \"{CronFire.UniqueKeyPrefix}\" belong to cron schedules' jobs.");
        }
        ValidateText(spec.Traceparent, new FieldName(field, "traceparent"), InputLimits.MaxTraceParentLength);
        ValidateTimestamp(spec.RunAt, new FieldName(field, "run_at"));
        ValidateTimestamp(spec.ExpiresAt, new FieldName(field, "expires_at"));
        ValidateUniqueWindow(spec.UniqueWindow, new FieldName(field, "unique_window"));
        if (spec.ExpiresAt is { } expires && spec.RunAt is { } runAt && expires.ToDateTimeOffset() <= runAt.ToDateTimeOffset())
        {
            throw Invalid($"{field}.expires_at must be after run_at.");
        }
    }

    /// <summary>A time that exists (years 1 to 9999, nanos within a second); how far ahead it may lie is checked at enqueue.</summary>
    internal static void ValidateTimestamp(Timestamp? timestamp, FieldName field)
    {
        if (timestamp is null) return;
        if (timestamp.Seconds is < MinTimestampSeconds or > MaxTimestampSeconds || timestamp.Nanos is < 0 or > 999_999_999)
        {
            throw Invalid($"{field}: seconds {timestamp.Seconds}, nanos {timestamp.Nanos} is not a time between the years 1 and 9999.");
        }
    }

    private static void ValidateUniqueWindow(Duration? window, FieldName field)
    {
        if (window is null) return;
        if (window.Seconds < 0 || window.Nanos is < 0 or > 999_999_999 || (window.Seconds == 0 && window.Nanos == 0))
        {
            throw Invalid($"{field} must be positive when set.");
        }
        if (window.Seconds > (long)InputLimits.MaxUniqueWindow.TotalSeconds)
        {
            throw Invalid($"{field}: at most {InputLimits.MaxUniqueWindow.TotalDays:0} days.");
        }
    }

    private static WorcrError Invalid(string message) => WorcrError.InvalidArgument(message);


    [GeneratedRegex(@"^[A-Za-z0-9._:@\-]{1,200}\z")]
    private static partial Regex TenantName();

    [GeneratedRegex(@"^[A-Za-z0-9._:=\-]{1,100}\z")]
    private static partial Regex TagName();
}
