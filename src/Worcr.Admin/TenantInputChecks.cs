using Worcr.Core.Errors;
using Worcr.Server.Enqueue;
using static System.FormattableString;

namespace Worcr.Admin;

/// <summary>Checks names and weights of tenants and plans; each answer names what is wrong, or is null.</summary>
internal static class TenantInputChecks
{
    public const int MaxLabelLength = Core.Input.InputLimits.MaxLabelLength;
    private const double MinWeight = Core.Input.InputLimits.MinTenantWeight;
    private const double MaxWeight = Core.Input.InputLimits.MaxTenantWeight;

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
        if (weight is null) return required ? Invariant($"Field 'weight' is required: a number from {MinWeight:0.######} to {MaxWeight:0}.") : null;
        return weight is >= MinWeight and <= MaxWeight
            ? null
            : Invariant($"Field 'weight' must be at least {MinWeight:0.######} and at most {MaxWeight:0} (got {weight}).");
    }

    public static string? Label(string? label) =>
        label is { Length: > MaxLabelLength } ? $"Field 'label' must be at most {MaxLabelLength} characters."
        : label is null ? null : Core.Input.TextCheck.Problem(label, "Field 'label'", MaxLabelLength);
}
