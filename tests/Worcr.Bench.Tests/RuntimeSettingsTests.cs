using System.Text.Json;

namespace Worcr.Bench.Tests;

/// <summary>
/// The runtime settings `worcr` (node and bench worker alike) ships with (Worcr.Cli.csproj), as the runtime reads them
/// from worcr.runtimeconfig.json, copied beside this test assembly with worcr.dll.
/// </summary>
public sealed class RuntimeSettingsTests
{
    private static JsonElement ConfigProperties()
    {
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "worcr.runtimeconfig.json"));
        return JsonDocument.Parse(file).RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_GC_uses_regions_of_one_megabyte() =>
        Assert.Equal(1024 * 1024, ConfigProperties().GetProperty("System.GC.RegionSize").GetInt32());

    [Fact]
    public void Thread_pool_threads_sleep_without_spinning_when_out_of_work() =>
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
}
