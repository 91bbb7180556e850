using Microsoft.AspNetCore.Http;

namespace Worcr.Admin;

/// <summary>
/// Whether the caller of a stream already open (a job's events, the overview) may still read it. The access filter
/// looks at a request once, when it starts, and a stream runs for as long as its client keeps it: without a second
/// look, signing out, a session's expiry or a password change (which ends the sessions that password opened) left
/// every stream of that session running. The look does not slide the session, so an open stream alone does not keep
/// it alive. The operator key and an insecure node are the node's settings, fixed while it runs: nothing to check.
/// </summary>
internal sealed class StreamAccess(SessionStore sessions, AdminCredentials credentials)
{
    /// <summary>Sent as the stream's last comment when its session ended.</summary>
    public const string EndedComment = "session ended: sign in again";

    public async Task<bool> StillAllowedAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (AdminCaller.Of(context) is not { SessionId: { } id }) return true;
        var session = await sessions.PeekAsync(id, cancellationToken);
        return session is not null && credentials.StillValid(session, id);
    }
}
