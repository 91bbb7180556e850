using System.Text.Json;

namespace Worcr.Admin;

// The request bodies of the rules endpoints. Every member is nullable so a missing field is reported by
// name (RuleChecker, ExplainFacts) instead of as an opaque deserialisation failure.

/// <summary>A rule as sent to PUT /api/rules/{name}, POST /api/rules/validate and as an explain draft.</summary>
internal sealed class RuleInput
{
    /// <summary>Only read from validate and explain drafts; PUT takes the name from the path.</summary>
    public string? Name { get; init; }

    public string? Kind { get; init; }

    public string? Language { get; init; }

    public string? Code { get; init; }

    /// <summary>A tag-match definition as a JSON object, instead of the same JSON as a string in <see cref="Code"/>.</summary>
    public JsonElement? TagMatch { get; init; }

    public int? Order { get; init; }

    public bool? Enabled { get; init; }
}

/// <summary>The body of POST /api/rules/explain.</summary>
internal sealed class ExplainInput
{
    public JobInput? Job { get; init; }

    public WorkerInput? Worker { get; init; }

    /// <summary>Evaluate as if this rule were saved (replacing any rule of the same name).</summary>
    public RuleInput? Draft { get; init; }
}

internal sealed class JobInput
{
    public string? Type { get; init; }

    public string? Tenant { get; init; }

    public string?[]? Tags { get; init; }
}

internal sealed class WorkerInput
{
    public string? Id { get; init; }

    public string?[]? Tags { get; init; }

    public string?[]? JobTypes { get; init; }
}
