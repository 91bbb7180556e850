using System.Data.Common;
using System.Text.Json;

namespace Worcr.Postgres;

internal static class ReaderExtensions
{
    public static DateTimeOffset GetTime(this DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    public static DateTimeOffset? GetTimeOrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetTime(ordinal);

    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Reads a jsonb object of string values (checkpoints aggregated by jsonb_object_agg).</summary>
    public static IReadOnlyDictionary<string, string> GetStringMap(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal)
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize(reader.GetString(ordinal), PostgresJsonContext.Default.DictionaryStringString) ?? [];
}
