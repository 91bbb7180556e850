using Microsoft.AspNetCore.Http;

namespace Worcr.Admin;

/// <summary>
/// Who the access filter let in: a cookie session (<see cref="SessionId"/> set; changes need its CSRF token),
/// the operator key (bearer, admin) or anyone on a node started insecure.
/// </summary>
internal sealed record AdminCaller(AdminRole Role, string? SessionId, AdminSession? Session)
{
    public static readonly AdminCaller Operator = new(AdminRole.Admin, null, null);

    private static readonly object ItemKey = new();

    public static void Set(HttpContext context, AdminCaller caller) => context.Items[ItemKey] = caller;

    /// <summary>The caller of a request that passed the filter.</summary>
    public static AdminCaller? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var caller) ? caller as AdminCaller : null;
}
