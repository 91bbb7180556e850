using System.Text.Json.Serialization;

namespace Worcr.Admin;

// The response bodies of the admin API (snake_case on the wire, see AdminJson).

/// <summary>An error; <see cref="Line"/> is the line of the rule's code at fault, when known.</summary>
internal sealed record ErrorView(string Error, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line = null);

/// <summary>One rule: origin "file" or "database"; <see cref="Error"/> is set when it did not compile and is not live.</summary>
internal sealed record RuleView(string Name, string Kind, string Language, string Code, int Order, bool Enabled, string Origin, int Version, string? Error);

/// <summary>GET /api/rules: the rules of the book this node dispatches with.</summary>
internal sealed record RuleListView(string Version, IReadOnlyList<RuleView> Rules);

/// <summary>POST /api/rules/validate.</summary>
internal sealed record ValidationView(
    bool Ok,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Line = null);

/// <summary>One weight rule's factor in an explanation (factor 1 and an error when the rule failed).</summary>
internal sealed record TraceView(string Rule, double Factor, string? Error);

/// <summary>POST /api/rules/explain: the multiplier a job would get on a worker, and why.</summary>
internal sealed record ExplainView(string Version, double Multiplier, bool Forbidden, IReadOnlyList<TraceView> Trace, IReadOnlyList<string> Errors);
