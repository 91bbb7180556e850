namespace Worcr.Server.Hosting;

/// <summary>Who may call the node: producers (API key), workers (worker token) and operators (admin passwords).</summary>
public sealed class AuthOptions
{
    /// <summary>Operator API key for producer calls ("authorization: Bearer KEY"). Required unless <see cref="AllowUnauthenticated"/>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Token workers present in Hello. Required unless <see cref="AllowUnauthenticated"/>.</summary>
    public string? WorkerToken { get; set; }

    /// <summary>Password that signs in to the admin GUI/API with full rights (POST /api/session). Unset: no password sign-in.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Optional second password that signs in with the read-only role (GETs and pure checks only).</summary>
    public string? ReadOnlyPassword { get; set; }

    /// <summary>Accept calls without credentials. Only for local development; never on a shared network.</summary>
    public bool AllowUnauthenticated { get; set; }
}

internal sealed class AuthOptionsValidator : SettingsValidator<AuthOptions>
{
    public override IEnumerable<string> Problems(AuthOptions options)
    {
        if (!options.AllowUnauthenticated && string.IsNullOrEmpty(options.WorkerToken))
        {
            yield return "WorkerToken is required (--worker-token or WORCR_WORKER_TOKEN); for local development only, AllowUnauthenticated=true (--insecure) turns authentication off.";
        }
        if (!options.AllowUnauthenticated && string.IsNullOrEmpty(options.ApiKey) && string.IsNullOrEmpty(options.AdminPassword))
        {
            yield return "An AdminPassword or an ApiKey is required, or nobody could administer the node (--admin-password / WORCR_ADMIN_PASSWORD, --api-key / WORCR_API_KEY); for local development only, AllowUnauthenticated=true (--insecure) turns authentication off.";
        }
        if (!string.IsNullOrEmpty(options.WorkerToken) && options.WorkerToken == options.ApiKey)
        {
            yield return "WorkerToken must differ from ApiKey: a worker must not be able to act as a producer with the operator's rights.";
        }
        if (!string.IsNullOrEmpty(options.ReadOnlyPassword) && options.ReadOnlyPassword == options.AdminPassword)
        {
            yield return "ReadOnlyPassword must differ from AdminPassword (it signs in with fewer rights).";
        }
    }
}
