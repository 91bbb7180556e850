namespace Worcr.Postgres;

/// <summary>Puts the (validated, quoted) schema name into SQL written with the __schema__ placeholder.</summary>
internal sealed class SchemaSql(string schema)
{
    public const string Placeholder = "__schema__";

    public string Schema { get; } = schema;

    public string Format(string sql) => sql.Replace(Placeholder, $"\"{Schema}\"", StringComparison.Ordinal);
}
