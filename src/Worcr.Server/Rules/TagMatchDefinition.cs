using System.Text.Json;
using System.Text.Json.Serialization;
using Worcr.Core.Input;
using Worcr.Scripting;

namespace Worcr.Server.Rules;

/// <summary>
/// A tag-match rule as JSON (how the database and the admin API keep it):
/// {"job_all":["premium"],"worker_all":["premium"],"action":"multiply","factor":10}.
/// </summary>
internal sealed record TagMatchDefinition(
    [property: JsonPropertyName("job_all")] string[]? JobAll,
    [property: JsonPropertyName("job_any")] string[]? JobAny,
    [property: JsonPropertyName("job_none")] string[]? JobNone,
    [property: JsonPropertyName("worker_all")] string[]? WorkerAll,
    [property: JsonPropertyName("worker_any")] string[]? WorkerAny,
    [property: JsonPropertyName("worker_none")] string[]? WorkerNone,
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("factor")] double? Factor)
{
    /// <summary>Parses and checks the JSON; the message says what is wrong.</summary>
    public static TagMatchRule Parse(string name, string json, int order)
    {
        TagMatchDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize(json, ServerJsonContext.Default.TagMatchDefinition);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"tag-match rule '{name}': not valid JSON ({exception.Message}).", exception);
        }
        if (definition is null) throw new FormatException($"tag-match rule '{name}': empty definition.");
        var action = definition.Action switch
        {
            "multiply" => TagMatchAction.Multiply,
            "forbid" => TagMatchAction.Forbid,
            "require" => TagMatchAction.Require,
            _ => throw new FormatException($"tag-match rule '{name}': action must be \"multiply\", \"forbid\" or \"require\", not {TextCheck.Quote(definition.Action ?? "")}."),
        };
        var factor = definition.Factor ?? 1;
        if (action == TagMatchAction.Multiply && (factor < 0 || double.IsNaN(factor) || double.IsInfinity(factor)))
        {
            throw new FormatException($"tag-match rule '{name}': factor must be a number ≥ 0.");
        }
        return new TagMatchRule(name, definition.JobAll ?? [], definition.JobAny ?? [], definition.JobNone ?? [],
            definition.WorkerAll ?? [], definition.WorkerAny ?? [], definition.WorkerNone ?? [], action, factor, order);
    }
}
