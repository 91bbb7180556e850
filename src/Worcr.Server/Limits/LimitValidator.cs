using System.Text.RegularExpressions;
using Worcr.Core.Input;
using Worcr.Postgres;
using Worcr.Redis.Limits;

namespace Worcr.Server.Limits;

/// <summary>Turns a limit as given (JSON or a stored row) into a definition, or says which field is wrong and why.</summary>
internal static partial class LimitValidator
{
    public const long MaxCapacity = 1_000_000;
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(1);

    public static (LimitDefinition? Limit, string? Error) Check(string name, LimitInput input, string origin)
    {
        if (!NameFormat().IsMatch(name)) return Fail("Limit name must be 1-100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.");
        if (input.Kind is null || !LimitNames.Kinds.TryGetValue(input.Kind, out var kind)) return Fail($"Field 'kind' must be one of {string.Join(", ", LimitNames.Kinds.Keys)}.");
        var (match, matchError) = CheckMatch(input.Match);
        if (match is null) return Fail(matchError!);
        if (input.Capacity is not { } capacity || capacity < 1 || capacity > MaxCapacity) return Fail($"Field 'capacity' must be between 1 and {MaxCapacity}.");
        var (period, periodError) = CheckPeriod(kind, input.Period);
        if (periodError is not null) return Fail(periodError);
        if (input.Burst is { } burst && (kind != LimitKind.TokenBucket || burst < 1 || burst > MaxCapacity))
        {
            return Fail($"Field 'burst' is for token_bucket limits only, between 1 and {MaxCapacity}.");
        }
        var mode = input.Mode switch { null or "job" => LimitMode.Job, "rate" => LimitMode.Rate, _ => (LimitMode?)null };
        if (mode is null) return Fail("Field 'mode' must be \"job\" (enforced at dispatch) or \"rate\" (acquired by workers).");
        if (kind == LimitKind.Concurrency && mode == LimitMode.Rate) return Fail("A concurrency limit must have mode \"job\": workers cannot give a permit back through AcquireLimit.");
        return (new LimitDefinition(name, kind, match, capacity, period, input.Burst ?? 0, mode.Value, input.Enabled ?? true, origin), null);
    }

    public static (LimitDefinition? Limit, string? Error) Check(LimitRecord record) => Check(record.Name, new LimitInput
    {
        Kind = record.Kind,
        Match = new LimitMatchInput { By = record.MatchBy, Field = record.MatchField, Value = record.MatchValue },
        Capacity = record.Capacity,
        Period = record.Period is { } period ? LimitPeriod.Format(period) : null,
        Burst = record.Burst,
        Mode = record.Mode,
        Enabled = record.Enabled,
    }, "api");

    public static LimitRecord ToRecord(LimitDefinition limit) => new(
        limit.Name, LimitNames.Of(limit.Kind), limit.Match.By, limit.Match.Field, limit.Match.Value, limit.Capacity,
        limit.Kind == LimitKind.Concurrency ? null : limit.Period, limit.Burst > 0 ? limit.Burst : null, LimitNames.Of(limit.Mode), limit.Enabled);

    private static (LimitMatch? Match, string? Error) CheckMatch(LimitMatchInput? input)
    {
        if (input?.By is null || !LimitMatch.Kinds.Contains(input.By)) return (null, $"Field 'match.by' must be one of {string.Join(", ", LimitMatch.Kinds)}.");
        if (input.Value is { } value && (value.Length is 0 or > 200 || value.Contains('{') || value.Contains('}')))
        {
            return (null, "Field 'match.value' must be 1-200 characters without braces.");
        }
        // Stored in PostgreSQL text, which cannot hold a NUL: the save failed with a 500 instead.
        if (input.Value is { } stored && TextCheck.Problem(stored, "Field 'match.value'", 200) is { } unstorable) return (null, unstorable);
        if (input.By == "args" && (input.Field is null || !FieldFormat().IsMatch(input.Field)))
        {
            return (null, "Field 'match.field' must name a top-level args field (letters, digits, '_', '-', '.') when match.by is \"args\".");
        }
        if (input.By == "tag" && input.Value is null) return (null, "Field 'match.value' must name the tag when match.by is \"tag\".");
        return (new LimitMatch(input.By, input.By == "args" ? input.Field : null, input.Value), null);
    }

    private static (TimeSpan Period, string? Error) CheckPeriod(LimitKind kind, string? text)
    {
        if (kind == LimitKind.Concurrency) return text is null ? (TimeSpan.Zero, null) : (TimeSpan.Zero, "Field 'period' does not apply to concurrency limits.");
        if (text is null || LimitPeriod.Parse(text) is not { } period || period > MaxPeriod)
        {
            return (TimeSpan.Zero, "Field 'period' must be a whole number with a unit (ms, s, m, h), e.g. \"1s\", at most one day.");
        }
        return (period, null);
    }

    private static (LimitDefinition?, string?) Fail(string error) => (null, error);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}\z")]
    private static partial Regex NameFormat();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,100}\z")]
    private static partial Regex FieldFormat();
}
