using Worcr.Core.Input;

namespace Worcr.Core.Fairness;

/// <summary>The share the fair selector (and the admin API's dry run, which predicts it) uses for a stored weight.</summary>
public static class EffectiveShare
{
    /// <summary>
    /// A weight that is not a positive finite number counts as 1. The admin API refuses weights outside
    /// [<see cref="InputLimits.MinTenantWeight"/>, <see cref="InputLimits.MaxTenantWeight"/>]; rows stored before it
    /// did (or written into PostgreSQL by hand, whose check only asks for a weight above 0) are clamped into that
    /// range, so usage ÷ share stays finite and one more job still changes a group's usage.
    /// </summary>
    public static double Of(double weight) =>
        weight > 0 && double.IsFinite(weight) ? Math.Clamp(weight, InputLimits.MinTenantWeight, InputLimits.MaxTenantWeight) : 1;
}
