using Worcr.Cli.Bench;

namespace Worcr.Bench.Tests;

/// <summary>The RSS figures of the benchmarks come from /proc status lines; these pin how one is read.</summary>
public sealed class ResidentMemoryTests
{
    private static readonly string[] StatusLines = ["Name:\tdotnet", "VmHWM:\t  204800 kB", "VmRSS:\t  123456 kB", "Threads:\t42"];

    [Fact]
    public void The_named_field_is_read_in_kilobytes_and_no_other() =>
        Assert.Equal(123456, ResidentMemory.ParseKilobytes(StatusLines, "VmRSS:"));

    [Fact]
    public void A_missing_field_is_an_error_naming_it()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ResidentMemory.ParseKilobytes(["Name:\tdotnet"], "VmRSS:"));
        Assert.Contains("VmRSS:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void This_process_has_a_resident_size_between_one_megabyte_and_all_of_the_machine()
    {
        var megabytes = ResidentMemory.OfThisProcess();
        Assert.InRange(megabytes, 1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0);
    }
}
