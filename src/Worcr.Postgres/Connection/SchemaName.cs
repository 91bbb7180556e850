using System.Text.RegularExpressions;

namespace Worcr.Postgres;

/// <summary>The schema every Worcr object lives in; validated because it is spliced into SQL text.</summary>
internal static partial class SchemaName
{
    public const int MaxLength = 40;

    public static string Validate(string schema)
    {
        if (schema.Length is 0 or > MaxLength || !AllowedCharacters().IsMatch(schema))
        {
            throw new ArgumentException(
                $"Schema name '{schema}' is invalid: use 1 to {MaxLength} lower-case letters, digits or underscores.", nameof(schema));
        }
        return schema;
    }

    [GeneratedRegex(@"^[a-z0-9_]+\z")]
    private static partial Regex AllowedCharacters();
}
