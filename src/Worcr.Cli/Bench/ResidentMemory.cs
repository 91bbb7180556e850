using System.Globalization;

namespace Worcr.Cli.Bench;

/// <summary>
/// Resident set size from Linux's /proc (what `top` shows as RES): the memory a node really holds, which is what
/// an operator sizes machines and container limits by (the GC's own figures leave out native memory and code).
/// </summary>
internal static class ResidentMemory
{
    /// <summary>Current RSS of a process, in MB.</summary>
    public static double OfProcess(int processId) => ReadKilobytes($"/proc/{processId}/status", "VmRSS:") / 1024.0;

    /// <summary>Current RSS of this process, in MB.</summary>
    public static double OfThisProcess() => OfProcess(Environment.ProcessId);

    /// <summary>The value of one "Name:   1234 kB" line of a /proc status file.</summary>
    internal static long ParseKilobytes(IEnumerable<string> lines, string field)
    {
        foreach (var line in lines)
        {
            if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
            var value = line[field.Length..].Trim();
            if (value.EndsWith(" kB", StringComparison.Ordinal)) value = value[..^3].TrimEnd();
            return long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"No '{field}' line in the process status.");
    }

    private static long ReadKilobytes(string path, string field) => ParseKilobytes(File.ReadLines(path), field);
}
