namespace Worcr.Admin;

/// <summary>
/// A signed-in browser: its role, the CSRF token it must echo in X-CSRF-Token on every change, and the fingerprint
/// of the password it signed in with (<see cref="AdminCredentials.Fingerprint"/>), so a changed password ends it.
/// </summary>
internal sealed record AdminSession(AdminRole Role, string CsrfToken, string PasswordFingerprint);
