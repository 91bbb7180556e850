namespace Worcr.Admin;

/// <summary>The roles as the API spells them ("admin", "read_only") and as sessions store them.</summary>
internal static class AdminRoleNames
{
    public const string Admin = "admin";
    public const string ReadOnly = "read_only";

    public static string Of(AdminRole role) => role == AdminRole.Admin ? Admin : ReadOnly;

    public static AdminRole? Parse(string name) => name switch
    {
        Admin => AdminRole.Admin,
        ReadOnly => AdminRole.ReadOnly,
        _ => null,
    };
}
