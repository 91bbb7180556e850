using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Worcr.Server.Hosting;

namespace Worcr.Admin;

/// <summary>
/// The node's admin secrets: the passwords (admin, read-only) and the operator API key. Comparisons are
/// constant-time over SHA-256 digests, so neither content nor length of a secret leaks through timing.
/// </summary>
internal sealed class AdminCredentials
{
    private readonly AuthOptions _options;

    public AdminCredentials(IOptions<AuthOptions> auth) => _options = auth.Value;

    /// <summary>The role a password signs in with, or null when it matches neither password. Both are always compared.</summary>
    public AdminRole? RoleFor(string password)
    {
        var admin = SecretEquals(password, _options.AdminPassword);
        var readOnly = SecretEquals(password, _options.ReadOnlyPassword);
        return admin ? AdminRole.Admin : readOnly ? AdminRole.ReadOnly : null;
    }

    public bool IsApiKey(string? token) => SecretEquals(token, _options.ApiKey);

    /// <summary>
    /// Ties a session to the password it signed in with: HMAC-SHA256 keyed by that role's password over the session
    /// id. A node whose password for the role differs computes another value and refuses the session, so changing a
    /// password (a setting) ends every session it opened. Redis keeps only this and the id's hash, which together do
    /// not let a reader test password guesses (that needs the id itself).
    /// </summary>
    public string Fingerprint(AdminRole role, string sessionId)
    {
        var password = role == AdminRole.Admin ? _options.AdminPassword : _options.ReadOnlyPassword;
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(password ?? ""), Encoding.UTF8.GetBytes(sessionId)));
    }

    /// <summary>Whether a stored session was opened with the password its role has on this node now.</summary>
    public bool StillValid(AdminSession session, string sessionId) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(session.PasswordFingerprint), Encoding.ASCII.GetBytes(Fingerprint(session.Role, sessionId)));

    /// <summary>False when either is missing: an unset secret matches nothing, not the empty string.</summary>
    public static bool SecretEquals(string? given, string? expected) =>
        !string.IsNullOrEmpty(given) && !string.IsNullOrEmpty(expected) &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
