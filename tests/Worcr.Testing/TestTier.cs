namespace Worcr.Testing;

/// <summary>
/// Which tier of the suite runs (docs/testing.md). `./worcr test unit` sets WORCR_TEST_TIER=unit: that tier has
/// no I/O, so a test in it that reaches for PostgreSQL or Redis fails at once instead of quietly starting them.
/// </summary>
public static class TestTier
{
    /// <summary>The trait that marks a test of a unit-tier project that needs servers: <c>[Trait(TestTier.Name, TestTier.Integration)]</c>.</summary>
    public const string Name = "Tier";

    public const string Integration = "integration";

    public static bool IsUnit => string.Equals(Environment.GetEnvironmentVariable("WORCR_TEST_TIER"), "unit", StringComparison.OrdinalIgnoreCase);

    /// <summary>Throws when the unit tier runs: called before any server starts.</summary>
    public static void RequireIntegration(string what)
    {
        if (IsUnit)
        {
            throw new InvalidOperationException(
                $"This test needs {what}, but the unit tier (WORCR_TEST_TIER=unit) has no I/O. Move it to an integration " +
                $"project, or mark it [Trait(\"{Name}\", \"{Integration}\")] so `./worcr test unit` leaves it out.");
        }
    }
}
