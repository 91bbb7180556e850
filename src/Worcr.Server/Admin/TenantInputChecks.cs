using Worcr.Core.Errors;
using Worcr.Server.Enqueue;

namespace Worcr.Server.Admin;

/// <summary>Checks names and weights of tenants and plans; each answer names what is wrong, or is null.</summary>
internal static class TenantInputChecks
{
    public const int MaxLabelLength = 200;
    private const double MaxWeight = 1_000_000;

    /// <summary>Tenant and plan names follow the rules of tenant names in jobs.</summary>
    public static string? Name(string name, string what)
    {
        try
        {
            JobSpecValidator.ValidateTenant(name, what);
            return null;
        }
        catch (WorcrError exception)
        {
            return exception.Message;
        }
    }

    public static string? Weight(double? weight, bool required)
    {
        if (weight is null) return required ? "Field 'weight' is required: a number above 0." : null;
        return weight is > 0 and <= MaxWeight ? null : $"Field 'weight' must be above 0 and at most {MaxWeight:0} (got {weight}).";
    }

    public static string? Label(string? label) =>
        label is { Length: > MaxLabelLength } ? $"Field 'label' must be at most {MaxLabelLength} characters." : null;
}
