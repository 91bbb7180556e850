using System.Text.Json;
using Worcr.Scripting;

namespace Worcr.Server.Limits;

/// <summary>
/// What a limit applies to, and so which limit keys it makes and covers: every tenant (tenant:NAME), a tag
/// (tag:NAME), every or one job type (type:NAME), an args field (FIELD:VALUE, e.g. host:example.com) or keys
/// that rules give (a pattern: exact, or ending in '*'). Each distinct key has its own counter.
/// </summary>
/// <param name="By">tenant, tag, type, args or key.</param>
/// <param name="Field">The args field (By = args).</param>
/// <param name="Value">The tag (required for By = tag), the one tenant or type, or the key pattern; null for every value.</param>
internal sealed record LimitMatch(string By, string? Field, string? Value)
{
    public static readonly IReadOnlyList<string> Kinds = ["tenant", "tag", "type", "args", "key"];

    /// <summary>The limit key this match makes for a job at enqueue, if any (By = key makes none: rules give those).</summary>
    public string? KeyFor(JobFacts job) =>
        By == "args" ? ArgsValue(job.ArgsJson, Field!) is { } value ? $"{Field}:{value}" : null : KeyFor(job.Tenant, job.Type, job.Tags);

    /// <summary>True when the key this match makes depends only on what a lane holds (tenant, type, tags), not on a job's args or rules.</summary>
    public bool KeysFromLane => By is "tenant" or "type" or "tag";

    /// <summary>The key a tenant, type or tag match makes for jobs of that tenant, type and tags; null otherwise.</summary>
    public string? KeyFor(string tenant, string type, IReadOnlyList<string> tags) => By switch
    {
        "tenant" when Value is null || Value == tenant => "tenant:" + tenant,
        "type" when Value is null || Value == type => "type:" + type,
        "tag" when Value is not null && tags.Contains(Value, StringComparer.Ordinal) => "tag:" + Value,
        _ => null,
    };

    /// <summary>True when a job's limit key falls under this limit.</summary>
    public bool Covers(string key) => By switch
    {
        "tenant" or "type" => Value is null ? key.StartsWith(By + ":", StringComparison.Ordinal) : key == $"{By}:{Value}",
        "tag" => key == "tag:" + Value,
        "args" => key.StartsWith(Field + ":", StringComparison.Ordinal),
        _ => Value is null || PatternCovers(Value, key),
    };

    private static bool PatternCovers(string pattern, string key) =>
        pattern.EndsWith('*') ? key.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == key;

    /// <summary>A top-level string, number or boolean field of the args; objects, arrays and null make no key.</summary>
    private static string? ArgsValue(string argsJson, string field)
    {
        try
        {
            using var args = JsonDocument.Parse(argsJson);
            if (args.RootElement.ValueKind != JsonValueKind.Object || !args.RootElement.TryGetProperty(field, out var value)) return null;
            return value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
