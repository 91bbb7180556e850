using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Worcr.Server.Limits;

/// <summary>
/// rules/limits.json: a JSON array of limit definitions (the admin API's shape, each with its "name"). Loaded at
/// start-up when NodeOptions.RulesDirectory is set; a definition stored through the API with the same name wins.
/// A file that cannot be read stops the node with a message naming the entry, like any invalid setting.
/// </summary>
internal static class LimitFile
{
    public const string FileName = "limits.json";

    // The admin API's names (snake_case), strict like its bodies.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = ServerJsonContext.Default,
    };

    public static IReadOnlyList<LimitDefinition> Load(string? directory)
    {
        if (directory is null) return [];
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return [];
        return Parse(File.ReadAllText(path), path);
    }

    public static IReadOnlyList<LimitDefinition> Parse(string json, string source)
    {
        LimitInput[] inputs;
        try
        {
            inputs = JsonSerializer.Deserialize(json, (JsonTypeInfo<LimitInput[]>)Json.GetTypeInfo(typeof(LimitInput[]))) ?? [];
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{source} is not a JSON array of limit definitions: {exception.Message}", exception);
        }
        var limits = new List<LimitDefinition>(inputs.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            var (limit, error) = LimitValidator.Check(inputs[i].Name ?? "", inputs[i], "file");
            if (limit is null) throw new InvalidOperationException($"{source}, entry {i} ('{inputs[i].Name}'): {error}");
            if (limits.Any(l => l.Name == limit.Name)) throw new InvalidOperationException($"{source}: the name '{limit.Name}' is used twice.");
            limits.Add(limit);
        }
        return limits;
    }
}
