namespace Worcr.Scripting.Internal;

/// <summary>Turns a script's plain return value into a typed decision, with messages that say what was wrong.</summary>
internal sealed class RuleResultReader(RuleSource source)
{
    public double ReadWeight(object? value)
    {
        var weight = RequireNumber(value, "a number");
        if (weight < 0 || double.IsInfinity(weight))
        {
            throw Fail($"returned the weight {weight}; a weight must be a finite number of 0 or more");
        }

        return weight;
    }

    public RetryDecision ReadRetry(object? value)
    {
        if (value is null or false)
        {
            return RetryDecision.Dead;
        }

        var seconds = RequireNumber(value, "a number of seconds or false");
        if (seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            throw Fail($"returned the retry delay {seconds}; a delay must be 0 or more seconds");
        }

        return RetryDecision.After(TimeSpan.FromSeconds(seconds));
    }

    public IReadOnlyList<string> ReadLimitKeys(object? value) =>
        value is null ? [] : ReadStrings(value, "limit keys");

    public EnqueueChanges ReadEnqueue(object? value)
    {
        if (value is null)
        {
            return EnqueueChanges.None;
        }

        var fields = value switch
        {
            Dictionary<string, object?> map => map,
            List<object?> { Count: 0 } => [],
            _ => throw WrongType(value, ScriptValues.Describe(new Dictionary<string, object?>(), source.Language) + " of changes"),
        };
        return ReadChanges(fields);
    }

    private EnqueueChanges ReadChanges(Dictionary<string, object?> fields)
    {
        var unknown = fields.Keys.FirstOrDefault(key => !EnqueueFields.Contains(key));
        if (unknown is not null)
        {
            throw Fail($"returned the unknown change '{unknown}' (allowed: {string.Join(", ", EnqueueFields)})");
        }

        return new EnqueueChanges(
            ExpiresAt: OptionalTime(fields, "expires_at"),
            MaxAttempts: OptionalWholeNumber(fields, "max_attempts"),
            RunAt: OptionalTime(fields, "run_at"),
            Weight: Optional(fields, "weight", ReadWeight),
            ExtraTags: Optional(fields, "tags", v => ReadStrings(v, "tags")) ?? [],
            LimitKeys: Optional(fields, "limit_keys", v => ReadStrings(v, "limit_keys")) ?? []);
    }

    private static readonly string[] EnqueueFields = ["expires_at", "max_attempts", "run_at", "weight", "tags", "limit_keys"];

    private static T? Optional<T>(Dictionary<string, object?> fields, string key, Func<object, T> read)
        where T : class =>
        fields.TryGetValue(key, out var value) && value is not null ? read(value) : null;

    private double? Optional(Dictionary<string, object?> fields, string key, Func<object, double> read) =>
        fields.TryGetValue(key, out var value) && value is not null ? read(value) : null;

    private DateTimeOffset? OptionalTime(Dictionary<string, object?> fields, string key)
    {
        if (!fields.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        var seconds = RequireNumber(value, $"unix seconds for '{key}'");
        const double LastSupportedSecond = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (seconds < 0 || seconds > LastSupportedSecond)
        {
            throw Fail($"returned '{key}' = {seconds}, which is not a time in unix seconds");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
    }

    private int? OptionalWholeNumber(Dictionary<string, object?> fields, string key)
    {
        if (!fields.TryGetValue(key, out var value) || value is null)
        {
            return null;
        }

        var number = RequireNumber(value, $"a whole number for '{key}'");
        if (number < 0 || number > int.MaxValue || Math.Floor(number) != number)
        {
            throw Fail($"returned '{key}' = {number}; it must be a whole number of 0 or more");
        }

        return (int)number;
    }

    private IReadOnlyList<string> ReadStrings(object value, string what)
    {
        var items = value switch
        {
            List<object?> list => list,
            Dictionary<string, object?> { Count: 0 } => [],
            _ => throw WrongType(value, $"a list of strings for {what}"),
        };

        return items.Select(item => item as string ?? throw WrongType(item, $"only strings in {what}")).ToArray();
    }

    private double RequireNumber(object? value, string expected) => value switch
    {
        double.NaN => throw Fail($"returned NaN where {expected} was expected"),
        double number => number,
        _ => throw WrongType(value, expected),
    };

    private RuleExecutionException WrongType(object? value, string expected) =>
        Fail($"returned {ScriptValues.Describe(value, source.Language)} where {expected} was expected");

    private RuleExecutionException Fail(string cause) => RuleLabel.Failure(source, cause);
}
