using System.Globalization;
using Microsoft.AspNetCore.Http;
using Worcr.Core.Input;
using Worcr.Core.Jobs;
using Worcr.Postgres;

namespace Worcr.Admin;

/// <summary>Reads GET /api/jobs's query string into a <see cref="JobFilter"/>; every bad value is named in the error.</summary>
internal static class JobQueryParser
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    private static readonly string StateNames = string.Join(", ", Enum.GetValues<JobState>().Select(s => s.ToName()));

    public static (JobFilter? Filter, string? Error) Parse(IQueryCollection query)
    {
        var state = (JobState?)null;
        if (Text(query, "state") is { } stateName)
        {
            if (!Enum.GetValues<JobState>().Any(s => s.ToName() == stateName)) return (null, $"Query 'state' is {TextCheck.Quote(stateName)}; use one of {StateNames}.");
            state = JobStates.Parse(stateName);
        }
        var (from, fromError) = Time(query, "from");
        if (fromError is not null) return (null, fromError);
        var (to, toError) = Time(query, "to");
        if (toError is not null) return (null, toError);
        if (from is not null && to is not null && to <= from) return (null, "Query 'to' must be later than 'from'.");
        var (limit, limitError) = Number(query, "limit", 1, MaxLimit);
        if (limitError is not null) return (null, limitError);
        var (before, beforeError) = Number(query, "before", 1, long.MaxValue);
        if (beforeError is not null) return (null, beforeError);
        var (tenant, tenantError) = Name(query, "tenant", InputLimits.MaxTenantLength);
        if (tenantError is not null) return (null, tenantError);
        var (type, typeError) = Name(query, "type", InputLimits.MaxTypeLength);
        if (typeError is not null) return (null, typeError);
        var (tag, tagError) = Name(query, "tag", InputLimits.MaxTagLength);
        if (tagError is not null) return (null, tagError);
        return (new JobFilter(tenant, type, tag, state, from, to, before, (int)(limit ?? DefaultLimit)), null);
    }

    /// <summary>
    /// A tenant, type or tag to match exactly. It goes to PostgreSQL as a parameter, and PostgreSQL text cannot hold a
    /// NUL: sent as it is, `?tenant=%00` fails the statement (a 500 and an error in the log, for any read-only caller).
    /// Longer than any stored name, or not storable, it could match nothing anyway.
    /// </summary>
    private static (string?, string?) Name(IQueryCollection query, string name, int maxLength)
    {
        if (Text(query, name) is not { } text) return (null, null);
        return TextCheck.Problem(text, $"Query '{name}'", maxLength) is { } problem ? (null, problem) : (text, null);
    }

    private static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>ISO 8601 ("2026-11-23T10:00:00Z"); without an offset the time is UTC.</summary>
    private static (DateTimeOffset?, string?) Time(IQueryCollection query, string name)
    {
        if (Text(query, name) is not { } text) return (null, null);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? (time, null)
            : (null, $"Query '{name}' is {TextCheck.Quote(text)}, not a time: use ISO 8601, e.g. 2026-11-23T10:00:00Z.");
    }

    private static (long?, string?) Number(IQueryCollection query, string name, long min, long max)
    {
        if (Text(query, name) is not { } text) return (null, null);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? (value, null)
            : (null, $"Query '{name}' is {TextCheck.Quote(text)}; use a whole number from {min} to {max}.");
    }
}
