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
/// <para>
/// No reset when a connection goes back to the pool: otherwise Npgsql starts its next use with seven statements
/// (<c>RESET ALL</c>, <c>UNLISTEN *</c>, <c>SELECT pg_advisory_unlock_all()</c>, …), and single enqueue, which takes
/// a connection per call, ran 6–18 % faster without them in seven alternated pairs (bench/RESULTS.md, "Session 18").
/// Nothing the node does outlives its use of a connection: its settings are <c>SET LOCAL</c> or a function's own
/// <c>SET</c>, its advisory locks are transaction-level, no temporary tables or cursors, and the one LISTEN connection
/// unlistens before it goes back (<see cref="PostgresListener"/>). An open transaction is rolled back on close
/// whatever this says.
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
        if (!Mentions(npgsqlConnectionString, "noresetonclose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }

    /// <summary>True when the connection string sets the keyword itself (in any spelling Npgsql accepts: case, spaces).</summary>
    private static bool Mentions(string connectionString, string normalisedKeyword)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>().Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), normalisedKeyword, StringComparison.OrdinalIgnoreCase));
    }
}
