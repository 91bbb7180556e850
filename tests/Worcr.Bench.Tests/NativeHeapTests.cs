using System.Runtime.InteropServices;
using Worcr.Cli.Hosting;

namespace Worcr.Bench.Tests;

/// <summary>
/// `worcr` fixes glibc's mmap threshold at start (NativeHeap): a native block of 64 KB or more that the arena cannot
/// serve is mapped on its own, so freeing it returns the memory to the system instead of leaving it in malloc's arenas,
/// however big a block was freed before. glibc's own counters show it.
/// </summary>
public sealed class NativeHeapTests
{
    [Fact]
    public void A_large_native_block_is_mapped_on_its_own_even_after_a_larger_one_was_freed()
    {
        Assert.True(OperatingSystem.IsLinux(), "the node's memory settings are measured on Linux with glibc");
        Assert.Null(Environment.GetEnvironmentVariable(NativeHeap.ThresholdVariable));

        Assert.True(NativeHeap.ReturnLargeBlocksWhenFreed());

        // By default glibc raises its threshold to the size of any mapped block freed (up to 32 MB), so after this one
        // an 8 MB block would come from an arena and stay there once freed. The fixed threshold keeps mapping it.
        Marshal.FreeHGlobal(Marshal.AllocHGlobal(16 * Megabyte)); // malloc and free on Linux
        var before = MallInfo2().MappedBytes;
        var block = Marshal.AllocHGlobal(8 * Megabyte);
        try
        {
            Assert.True(MallInfo2().MappedBytes >= before + 8 * Megabyte, "the 8 MB block came from an arena, not a mapping of its own");
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    private const int Megabyte = 1024 * 1024;

    /// <summary>glibc's struct mallinfo2 (malloc.h): ten size_t fields; hblkhd is the bytes in blocks mapped on their own.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly struct MallocInfo
    {
        private readonly nuint _arena, _ordblks, _smblks, _hblks;
        private readonly nuint _hblkhd;
        private readonly nuint _usmblks, _fsmblks, _uordblks, _fordblks, _keepcost;

        public long MappedBytes => (long)_hblkhd;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallocInfo MallInfo2();
}
