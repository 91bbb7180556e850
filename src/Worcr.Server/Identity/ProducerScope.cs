using Worcr.Core.Errors;
using Worcr.Core.Input;

namespace Worcr.Server.Identity;

/// <summary>
/// Which jobs an authenticated producer may touch: all (operator key, insecure node) or one tenant's (tenant key).
/// Enqueues into another tenant are refused (PermissionDenied); other tenants' jobs look missing (NotFound).
/// </summary>
internal sealed record ProducerScope(string? Tenant)
{
    public static readonly ProducerScope Unrestricted = new((string?)null);

    public bool Sees(string tenant) => Tenant is null || Tenant == tenant;

    public void RequireTenant(string tenant, FieldName field)
    {
        if (!Sees(tenant))
        {
            throw WorcrError.PermissionDenied($"{field}: this API key belongs to tenant '{Tenant}' and may not enqueue for tenant {TextCheck.QuoteName(tenant, InputLimits.MaxTenantLength)}.");
        }
    }
}
