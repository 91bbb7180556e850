using System.Globalization;
using Worcr.Postgres;

namespace Worcr.Server.Hosting;

/// <summary>
/// The per tenant and per type retention settings: "completed=30d;dead=90d", each state with a duration in days
/// (d), hours (h) or minutes (m), or as a TimeSpan ("30.00:00:00").
/// </summary>
internal static class RetentionSpec
{
    /// <summary>The durations a map of specs gives one state: key → retention, for the keys that name the state.</summary>
    public static IReadOnlyDictionary<string, TimeSpan> ForState(IDictionary<string, string> specs, string state)
    {
        var result = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (key, spec) in specs)
        {
            if (TryParse(spec, out var parsed, out _) && parsed.TryGetValue(state, out var keep)) result[key] = keep;
        }
        return result;
    }

    /// <summary>Every problem of a map of specs, naming the setting and the entry.</summary>
    public static IEnumerable<string> Problems(string setting, IDictionary<string, string> specs)
    {
        foreach (var (key, spec) in specs)
        {
            if (!TryParse(spec, out var parsed, out var error)) yield return $"{setting}[{key}] '{spec}': {error}";
            else
            {
                foreach (var (state, keep) in parsed)
                {
                    if (Problem(keep) is { } problem) yield return $"{setting}[{key}] {state} {problem}";
                }
            }
        }
    }

    /// <summary>Why a retention is out of range, or null.</summary>
    public static string? Problem(TimeSpan keep) =>
        keep < TimeSpan.FromHours(1) ? $"must be at least 1 hour (got {keep:g})."
        : keep > RetentionOptionsValidator.MaxRetention ? $"must be at most {RetentionOptionsValidator.MaxRetention.TotalDays:0} days (got {keep:g}): history is kept in one partition per day."
        : null;

    private static bool TryParse(string spec, out Dictionary<string, TimeSpan> parsed, out string error)
    {
        parsed = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        error = "";
        foreach (var part in spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var state = equals > 0 ? part[..equals].Trim() : "";
            if (!HistoryRetention.States.Contains(state))
            {
                error = $"'{part}' must be state=duration, the state one of {string.Join(", ", HistoryRetention.States)} (e.g. completed=30d;dead=90d).";
                return false;
            }
            if (!TryDuration(part[(equals + 1)..].Trim(), out var keep))
            {
                error = $"'{part}' has no valid duration: write 30d, 12h, 90m or 30.00:00:00.";
                return false;
            }
            parsed[state] = keep;
        }
        if (parsed.Count > 0) return true;
        error = "names no state (e.g. completed=30d;dead=90d).";
        return false;
    }

    private static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            switch (text[^1])
            {
                case 'd': duration = TimeSpan.FromDays(amount); return true;
                case 'h': duration = TimeSpan.FromHours(amount); return true;
                case 'm': duration = TimeSpan.FromMinutes(amount); return true;
            }
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }
}
