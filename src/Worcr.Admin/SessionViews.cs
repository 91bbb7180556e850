namespace Worcr.Admin;

// The bodies of POST /api/session and the answers of the session endpoints.

internal sealed record SignInInput(string? Password);

internal sealed record SessionView(string Role, string CsrfToken);
