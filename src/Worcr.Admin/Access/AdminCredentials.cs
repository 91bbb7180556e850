using System.Security.Cryptography;
using System.Text;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// The node's admin secrets: the passwords (admin, read-only) and the operator API key. Comparisons are
/// constant-time over SHA-256 digests, so neither content nor length of a secret leaks through timing.
/// </summary>
internal sealed class AdminCredentials
{
    private readonly NodeOptions _options;

    public AdminCredentials(NodeOptions options) => _options = options;

    /// <summary>The role a password signs in with, or null when it matches neither password. Both are always compared.</summary>
    public AdminRole? RoleFor(string password)
    {
        var admin = SecretEquals(password, _options.AdminPassword);
        var readOnly = SecretEquals(password, _options.ReadOnlyPassword);
        return admin ? AdminRole.Admin : readOnly ? AdminRole.ReadOnly : null;
    }

    public bool IsApiKey(string? token) => SecretEquals(token, _options.ApiKey);

    /// <summary>False when either is missing: an unset secret matches nothing, not the empty string.</summary>
    public static bool SecretEquals(string? given, string? expected) =>
        !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
