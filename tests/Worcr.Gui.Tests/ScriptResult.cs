namespace Worcr.Gui.Tests;

/// <summary>What a scenario script did: its exit code and what it printed ("ok: ..." lines, or "FAIL: ...").</summary>
internal sealed record ScriptResult(int ExitCode, string Output, string Errors)
{
    /// <summary>Asserts the scenario passed, showing everything it printed when it did not.</summary>
    public void AssertPassed(string scenario)
    {
        Assert.True(ExitCode == 0, $"Scenario {scenario} failed with exit code {ExitCode}:\n{Output}\n{Errors}");
        Assert.Contains($"ok: {scenario} passed", Output, StringComparison.Ordinal);
    }
}
