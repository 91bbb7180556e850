using System.Text.RegularExpressions;

namespace Worcr.Core.Input;

/// <summary>
/// The rule for a job type, in one place for the node (enqueue, cron schedules, declared types, Hello.job_types) and
/// the worker SDK that checks the types it registers: before, the SDK sent any type, and a worker handling one like
/// "bad type!" was made and started, then stopped at its first connect on the node's INVALID_ARGUMENT.
/// 1 to <see cref="InputLimits.MaxTypeLength"/> letters, digits or '.', '-', '_', ':' (safe in URLs, logs and Lua
/// keys without escaping).
/// </summary>
public static partial class JobTypeFormat
{
    /// <summary>What a job type may hold, as the errors say it.</summary>
    public static readonly string Description = $"1-{InputLimits.MaxTypeLength} letters, digits or '.', '-', '_', ':'";

    /// <summary>Whether <paramref name="type"/> is a job type the node accepts.</summary>
    public static bool IsValid(string? type) => type is not null && Pattern().IsMatch(type);

    /// <summary>What is wrong with <paramref name="type"/> as a job type (field <paramref name="field"/>), or null.</summary>
    public static string? Problem(string? type, FieldName field)
    {
        if (string.IsNullOrEmpty(type)) return $"{field}: the job type is required.";
        return Pattern().IsMatch(type) ? null : $"{field}: job type {TextCheck.QuoteName(type, InputLimits.MaxTypeLength)} must be {Description}.";
    }

    // {1,200} is InputLimits.MaxTypeLength (an attribute cannot format it in); \z, not $, which lets a final "\n" by.
    [GeneratedRegex(@"^[A-Za-z0-9._:\-]{1,200}\z")]
    private static partial Regex Pattern();
}
