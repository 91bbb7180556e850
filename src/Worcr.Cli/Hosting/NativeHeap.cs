using System.Runtime.InteropServices;

namespace Worcr.Cli.Hosting;

/// <summary>
/// glibc's malloc keeps native memory it has handed back in its arenas: under the throughput workload a node's native
/// heap held ~22 MB of which only ~11 MB were in use (malloc_stats; malloc_trim gave the rest back). By default glibc
/// raises its mmap threshold to the size of every mapped block freed (up to 32 MB), so after the runtime's first big
/// scratch buffers come and go, later ones are carved from the arenas and stay there. A fixed threshold of 64 KB keeps
/// such blocks in mappings of their own, returned to the system when freed: a node's RSS under the throughput bench
/// fell by ~14 MB (bench/RESULTS.md, node resources round 3). glibc only: elsewhere (musl, other systems) nothing
/// changes. An operator's own MALLOC_MMAP_THRESHOLD_ wins.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Native blocks of this size and more are mapped on their own and unmapped when freed.</summary>
    public const int MmapThresholdBytes = 64 * 1024;

    /// <summary>The environment variable through which glibc takes the same setting.</summary>
    public const string ThresholdVariable = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>glibc's mallopt parameter M_MMAP_THRESHOLD (malloc.h).</summary>
    private const int MMmapThreshold = -3;

    /// <summary>Sets the threshold; false when this is not glibc on Linux or the operator set it already.</summary>
    public static bool ReturnLargeBlocksWhenFreed()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(ThresholdVariable) is not null) return false;
        try
        {
            return Mallopt(MMmapThreshold, MmapThresholdBytes) == 1;
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // a C library without mallopt: its own allocator's behaviour stays
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
}
