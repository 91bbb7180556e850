using System.Globalization;

namespace Worcr.Redis.Tests;

/// <summary>Reads INFO commandstats lines ("calls=20,usec=...,rejected_calls=0,failed_calls=1").</summary>
internal static class CommandStats
{
    public static long Calls(Dictionary<string, string> stats, string command) => Field(stats, command, "calls");

    public static long FailedCalls(Dictionary<string, string> stats, string command) => Field(stats, command, "failed_calls");

    private static long Field(Dictionary<string, string> stats, string command, string name)
    {
        if (!stats.TryGetValue(command, out var line)) return 0;
        var field = line.Split(',').Select(pair => pair.Split('=')).FirstOrDefault(pair => pair[0] == name);
        return field is null ? 0 : long.Parse(field[1], CultureInfo.InvariantCulture);
    }
}
