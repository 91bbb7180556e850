using Microsoft.AspNetCore.Http;

namespace Worcr.Admin;

/// <summary>
/// A draft is rule code the caller sends, and checking or testing it runs that code on the node. The read-only role
/// may explain and dry-run the saved rules (code an admin wrote) but not send code of its own: the rule sandbox is a
/// second line of defence, not a reason to let someone who may only watch run programs on the node.
/// </summary>
internal static class DraftAccess
{
    /// <summary>A 403 answer when the caller may not run a draft; null when it may.</summary>
    public static IResult? Refusal(HttpContext http) =>
        AdminCaller.Of(http)?.Role == AdminRole.ReadOnly
            ? AdminJson.Error(StatusCodes.Status403Forbidden,
                "read-only session: a draft is code the node would run; sign in with the admin password to test drafts (the saved rules can be explained and dry-run read-only).")
            : null;
}
