namespace Worcr.Admin;

/// <summary>A signed-in browser: its role and the CSRF token it must echo in X-CSRF-Token on every change.</summary>
internal sealed record AdminSession(AdminRole Role, string CsrfToken);
