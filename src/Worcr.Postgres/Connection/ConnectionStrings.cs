using Npgsql;

namespace Worcr.Postgres;

/// <summary>Accepts both Npgsql connection strings and postgres:// URLs (what operators usually paste).</summary>
internal static class ConnectionStrings
{
    public static string ToNpgsql(string value)
    {
        if (!IsUrl(value)) return value;
        var uri = new Uri(value);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.DnsSafeHost, Port = uri.Port > 0 ? uri.Port : 5432 };
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        ApplyUserInfo(builder, uri.UserInfo);
        ApplyQuery(builder, uri.Query);
        return builder.ConnectionString;
    }

    private static bool IsUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    private static void ApplyUserInfo(NpgsqlConnectionStringBuilder builder, string userInfo)
    {
        if (userInfo.Length == 0) return;
        var parts = userInfo.Split(':', 2);
        builder.Username = Uri.UnescapeDataString(parts[0]);
        if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
    }

    private static void ApplyQuery(NpgsqlConnectionStringBuilder builder, string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            try
            {
                builder[key] = parts.Length == 2 ? Uri.UnescapeDataString(parts[1]) : "true";
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"The PostgreSQL URL has an unsupported parameter '{key}': {e.Message}", nameof(query), e);
            }
        }
    }
}
