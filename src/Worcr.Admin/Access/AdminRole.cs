namespace Worcr.Admin;

/// <summary>What a caller of the admin API may do: everything, or only look (GETs and the pure rule checks).</summary>
internal enum AdminRole
{
    Admin,
    ReadOnly,
}
