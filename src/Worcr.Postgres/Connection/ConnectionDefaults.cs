using System.Data.Common;
using Npgsql;

namespace Worcr.Postgres;

/// <summary>
/// What a node's connections use unless the operator's connection string says otherwise.
/// <para>
/// Automatic preparation: the claim, complete and enqueue statements are long CTEs, and PostgreSQL spent more time
/// parsing and planning them than running them (a node processed 35–50 % more jobs per second with them prepared,
/// bench/RESULTS.md). Npgsql prepares a statement on a physical connection once it has run there five times (its <c>Auto Prepare Min Usages</c>). An operator
/// behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode before 1.21) sets
/// <c>Max Auto Prepare=0</c> in the connection string, or <c>?Max%20Auto%20Prepare=0</c> in a URL.
/// </para>
/// </summary>
internal static class ConnectionDefaults
{
    /// <summary>More than the node's distinct hot statements, so none is evicted by another.</summary>
    public const int MaxAutoPrepare = 64;

    public static string Apply(string npgsqlConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(npgsqlConnectionString);
        if (!Mentions(npgsqlConnectionString, "maxautoprepare")) builder.MaxAutoPrepare = MaxAutoPrepare;
        return builder.ConnectionString;
    }

    /// <summary>True when the connection string sets the keyword itself (in any spelling Npgsql accepts: case, spaces).</summary>
    private static bool Mentions(string connectionString, string normalisedKeyword)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), normalisedKeyword, StringComparison.OrdinalIgnoreCase));
    }
}
