namespace Worcr.Admin;

/// <summary>
/// Endpoint metadata: the access filter lets the request through without a session, because the endpoint is how
/// one gets a session (POST /api/session) or finds out whether one has it (GET /api/session).
/// </summary>
internal sealed class SessionlessEndpoint
{
    public static readonly SessionlessEndpoint Instance = new();

    private SessionlessEndpoint()
    {
    }
}
